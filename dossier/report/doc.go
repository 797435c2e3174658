// Package report writes the desk's figures as the Friday (weekly), period and peak-month reports,
// in Vietnamese, as an XLSX workbook (excelize) or a PDF (fpdf with the embedded DejaVu font):
// the unit's header, the figures, the colour bands and the list of failed or overdue dossiers.
//
// The list names dossiers by their code, procedure and officer only: no applicant's personal data
// leaves the desk in a report; the code finds the dossier in the queue.
package report
