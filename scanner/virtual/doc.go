// Package virtual is the training scanner: it renders realistic Vietnamese dossier pages
// (a birth-registration declaration, a birth certificate, continuation pages) instead of reading paper.
//
// Address "virtual:" with optional parameters separated by "," or "&":
//
//	seed=42        deterministic pages (default seed 1)
//	pages=5        sheets in the feeder (default 3)
//	jam-after=2    the feeder jams after 2 pages (ErrJammed)
//	empty          the feeder is empty (ErrFeederEmpty)
//	cover-open     the cover is open (ErrCoverOpen)
//	busy           the device is busy (ErrBusy)
//	delay=150      milliseconds of simulated mechanics per page
package virtual
