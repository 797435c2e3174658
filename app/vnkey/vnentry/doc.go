// Package vnentry is a Fyne text entry with sohoa's built-in Vietnamese typing (Telex/VNI from
// package vnkey): for desks whose input method does not reach Fyne (IBus/Fcitx preedit on Linux)
// and for officers without Unikey. The method is shared by every entry made with the same Typing,
// toggled with Alt+Z or by clicking the badge at the right of the field, which shows EN, TELEX or
// VNI. Keys from Unikey (backspaces and Unicode letters) pass through unchanged.
package vnentry
