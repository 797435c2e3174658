// Package figures computes the desk's figures from the local database alone (no second
// bookkeeping): per day, ISO week, month and peak-month quarter, per officer and per procedure.
//
// Rules (each figure is a count over the dossiers opened — "New dossier", CreatedAt — in the
// period, whatever happened to them since; Compute reads the store as it is at Options.Now):
//
//   - Received: every dossier opened at this desk in the period (training dossiers are counted
//     only in training mode, real ones only outside it).
//   - Pages: page images captured at the desk (scanned, or phone photos imported as pages;
//     blank-flagged pages included: they are kept, never dropped). Components: components with
//     at least one page image. Digitized: dossiers with at least one page image. A PDF the
//     citizen brought is already electronic: it is not counted as digitized. The retention purge of
//     a submitted dossier's page images does not lower these counts: what was digitized stays so.
//   - Signed: dossiers in state signed, queued, submitted or failed (failed happens only after
//     signing). Submitted: state submitted — at this desk every online submission goes through
//     the citizen's own portal account (Desk.Submit refuses without it), so Submitted is also
//     the count "submitted through the citizen's account". VNeID: submitted dossiers whose
//     record says the citizen's token carried the VNeID claim (Data "vneid").
//   - InProgress: draft, captured or signed (still at the desk); Waiting: queued (in the
//     outbox); Failed: state failed.
//   - Time to submit: Data "submitted_at" − CreatedAt, over submitted dossiers that have it;
//     the average and the 90th percentile (nearest rank: the ⌈0.9·n⌉-th smallest).
//   - Portal statuses come from storage.Dossier.PortalStatus (TrangThaiHoSo 1–10): Status[k]
//     counts each; PortalReceived counts every status the agency reached after taking the
//     dossier in (2, 4, 5, 6, 7, 8, 9, 10); Refused is 3; Supplement is 5 (supplement requested).
//   - On time / overdue (Decision 766: on time when the end of processing ≤ the appointment):
//     dossiers with an appointment that are not refused (3), withdrawn (7) or stopped (8). The
//     result time is Data "result_at" (RFC 3339, the portal's NgayKetThucXuLy) if present; for a
//     dossier the portal reports processed (9) or returned (10) without it, the row's UpdatedAt;
//     otherwise the dossier is open and its result time is "now". On time when the result time
//     ≤ AppointmentAt; overdue when it is later; an open dossier whose appointment is still
//     ahead is NotDue.
//
// Rates (percent, NaN when the denominator is 0 or the desk holds no data for them):
// online = Submitted/Received, digitization = Digitized/Received, on_time = OnTime/(OnTime+Overdue),
// vneid = VNeID/Submitted; reuse, payment and satisfaction are not in the local database yet.
//
// Speed: Compute reads one covering index (storage migration 00004, dossiers_figures) and nothing
// else but one record per procedure for its name. It reads typed columns the desk writes in the same
// transaction as each change (submitted_at, result_at, vneid from the record; page_count and
// component_count from the pages), and applies the rules above in Go: no trigger, no packed bits, no
// state or status spelt in SQL.
package figures
