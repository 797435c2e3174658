// Package dossier implements the desk API (sohoa/desk): the services the window (app/) and the
// command line (cli/) use for the whole flow at the counter — intake, capture, check and sign,
// authorize, submit, receipt, follow-up and figures — over one core that owns the dossier's state
// machine and its rules. It is the only caller of the local store; its domain types are the desk
// package's (aliased here).
//
// Dossier codes (Circular 01/2018/TT-VPCP Art. 19) are <unit code>-<YYMMDD>-<NNNN>, one 4-digit
// sequence per unit and receipt day. Each desk keeps its own counter n = 1, 2, 3… per day (in its
// store, so it survives restarts); a unit with N desks (`sohoa unit set --desk k --desks N`, the same
// N on every desk) shares the unit's sequence by interleaving: desk k takes (n-1)·N + k. A single
// desk therefore numbers 0001, 0002…; two desks 0001, 0003… and 0002, 0004…. Two desks can never
// take the same number, nothing is put in front of the sequence (the code keeps the circular's
// shape, and the whole range 0001–9999 belongs to the unit instead of 999 per desk as disjoint
// blocks would give), and the codes of a day stay close to the order of reception. The cost: a
// quiet desk leaves gaps (numbers it did not reach), which the circular does not forbid. A folder
// numbered before desk counts existed (desk number set, no count) counts 9 desks.
//
// Arrows: wire → dossier → {desk, scanner, signing, storage, portal} → assets; app and cli reach it
// only through sohoa/desk.
package dossier
