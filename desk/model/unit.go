// The unit profile a desk works for.

package model

// Unit is the profile of the agency a desk works for. Codes and portal addresses are
// configuration, never constants (units merge and are renamed).
type Unit struct {
	Code        string // QCVN 102:2016 unit code, e.g. "000.00.00.H47"
	Name        string
	Address     string
	Province    string
	CounterType string // "commune" | "postal"
	Hotlines    []Hotline
	PortalURL   string
	Training    bool
}

// Hotline is a feedback line printed on receipts.
type Hotline struct {
	Label, Phone, Email string
}
