// Package applicant holds the person who hands in a dossier and reads them from the
// QR code printed on the Vietnamese citizen identity card (CCCD / Thẻ căn cước).
package applicant
