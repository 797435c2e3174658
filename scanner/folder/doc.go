// Package folder is the hot-folder scanner backend: a scanner that saves into a folder
// (scan-to-folder, scan-to-SMB) becomes a Device. Address "folder:<path>".
//
// Scan watches <path> by polling. A file is taken once complete: its size and modification time
// are the same at two successive polls (Options.Interval apart) and it is not empty. Files are
// taken oldest first by modification time, ties broken by name in natural order ("scan2" before
// "scan10"). Hidden files (".name"), sub-folders and the usual partial-download names (*.tmp,
// *.part, *.partial, *.crdownload, *~, Thumbs.db, desktop.ini) are never taken.
//
// Every file goes through these states, each entered by an atomic rename, so that a file is never
// lost when the app stops at any point:
//
//	<path>/NAME                      waiting (the scanner writes it)
//	<path>/.sohoa/taking/NAME        taken: being decoded and handed over
//	<path>/processed/NAME            all its pages handed over (OnPage returned nil)
//	<path>/rejected/NAME + NAME.txt  not readable (corrupt, a PDF, a duplicate): the .txt says why
//
// The journal in <path>/.sohoa/ records, for each file being handed over, its SHA-256 and how many
// of its pages OnPage accepted (rewritten atomically after every page), and the SHA-256 of every
// file completed. When Scan starts, files left in taking/ by an earlier run are offered first,
// from the first page not yet accepted. The guarantee is at-least-once, deduplicated: a page is
// offered again only when the app stopped between OnPage returning nil and the journal recording
// it (a few milliseconds), and never more than once after that; a file whose content (SHA-256) was
// already completed is not handed over again but moved to rejected/ with a note saying so.
//
// PDFs are not rendered: a PDF arriving in the folder is moved to rejected/ with ErrPDF's message,
// which points the officer at the import action (which keeps a PDF, and its signatures, as is).
//
// One process should watch a folder at a time; two Scans on the same Device are refused with
// scanner.ErrBusy.
package folder
