// Package crashtest proves that a queued dossier reaches the portal exactly once: its tests run the sohoa
// binary through the whole desk flow against a reference portal in its own process, kill the desk (SIGKILL,
// at named crash points and at random times) and the portal, and cut and throttle the link, then check what
// the portal holds against what was signed, and that no local row points to a missing blob.
package crashtest
