package main

// Bracketed paste (xterm's mode 2004, supported by every current terminal
// emulator and tmux): while it is on, the terminal sends a paste between
// pasteStart and pasteEnd.
const (
	bracketedPasteOn  = "\x1b[?2004h"
	bracketedPasteOff = "\x1b[?2004l"
	pasteStart        = "\x1b[200~"
	pasteEnd          = "\x1b[201~"
)
