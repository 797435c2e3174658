// ScannerStatus: parsing the eSCL status document and telling jam, open cover, empty feeder and busy apart.

package escl

import (
	"encoding/xml"
	"fmt"
	"strings"

	"sohoa/scanner"
)

// ScannerStatus is the answer to GET /eSCL/ScannerStatus.
type ScannerStatus struct {
	XMLName  xml.Name  `xml:"ScannerStatus"`
	Version  string    `xml:"Version"`
	State    string    `xml:"State"`    // Idle, Processing, Testing, Stopped, Down
	AdfState string    `xml:"AdfState"` // ScannerAdfLoaded, ScannerAdfEmpty, ScannerAdfJam, ...
	Jobs     []JobInfo `xml:"Jobs>JobInfo"`
}

// JobInfo is one job in the status' job list.
type JobInfo struct {
	JobURI           string   `xml:"JobUri"`
	JobUUID          string   `xml:"JobUuid"`
	Age              string   `xml:"Age"`
	ImagesCompleted  string   `xml:"ImagesCompleted"`
	ImagesToTransfer string   `xml:"ImagesToTransfer"`
	JobState         string   `xml:"JobState"`
	JobStateReasons  []string `xml:"JobStateReasons>JobStateReason"`
}

// ParseStatus parses a ScannerStatus document.
func ParseStatus(data []byte) (*ScannerStatus, error) {
	var s ScannerStatus
	if err := decodeXML(data, &s); err != nil {
		return nil, fmt.Errorf("escl: ScannerStatus: %w: %w", ErrBadData, err)
	}
	s.State = strings.TrimSpace(s.State)
	s.AdfState = strings.TrimSpace(s.AdfState)
	return &s, nil
}

// Condition classifies the status for a scan from src: nil when the device is ready, else
// scanner.ErrBusy, ErrFeederEmpty, ErrJammed, ErrCoverOpen or ErrStopped.
//
// For the feeder the AdfState decides (as sane-airscan does): a device may say "Processing"
// while its feeder is empty or jammed. ScannerAdfProcessing (Kyocera, Epson between pages)
// means busy, not empty. For the platen only pwg:State counts.
func (s *ScannerStatus) Condition(src scanner.Source) error {
	if src != scanner.SourcePlaten {
		switch s.AdfState {
		case "ScannerAdfJam", "ScannerAdfMispick", "ScannerAdfMultipickDetected",
			"ScannerAdfDuplexPageTooShort", "ScannerAdfDuplexPageTooLong", "ScannerAdfInputTrayOverloaded":
			return scanner.ErrJammed
		case "ScannerAdfDoorOpen", "ScannerAdfHatchOpen":
			return scanner.ErrCoverOpen
		case "ScannerAdfEmpty":
			return scanner.ErrFeederEmpty
		case "ScannerAdfProcessing":
			return scanner.ErrBusy
		}
	}
	switch s.State {
	case "Processing", "Testing":
		return scanner.ErrBusy
	case "Stopped", "Down":
		return ErrStopped
	}
	return nil
}

// Idle reports whether pwg:State is Idle.
func (s *ScannerStatus) Idle() bool { return s.State == "Idle" }
