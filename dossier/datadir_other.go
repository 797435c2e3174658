// Where data folders live by default off Windows: the user's config folder (~/.config on Linux).

//go:build !windows

package dossier

import "os"

func userDataBase() (string, error) { return os.UserConfigDir() }
