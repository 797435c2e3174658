// Dossier states: where a dossier is in the desk flow (the transitions between them are the desk's rule, in sohoa/dossier).

package model

// State is where a dossier is in the desk flow.
type State string

// Dossier states.
const (
	Draft     State = "draft"     // procedure and applicant chosen, pages being captured
	Captured  State = "captured"  // every required component has pages
	Signed    State = "signed"    // every component PDF carries the officer's signature
	Queued    State = "queued"    // in the outbox, waiting for upload
	Submitted State = "submitted" // the portal returned its dossier code
	Failed    State = "failed"    // the upload stopped with a permanent error; the officer must act
)

// States lists every state in the order of the flow.
var States = []State{Draft, Captured, Signed, Queued, Submitted, Failed}
