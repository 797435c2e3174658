// Where data folders live by default on Windows: %LOCALAPPDATA%, not the roaming %APPDATA% that
// domain profiles copy to a server at every log-off (a desk's scans run to gigabytes).

//go:build windows

package dossier

import (
	"errors"
	"os"
)

func userDataBase() (string, error) {
	if d := os.Getenv("LOCALAPPDATA"); d != "" {
		return d, nil
	}
	if d, err := os.UserConfigDir(); err == nil {
		return d, nil
	}
	return "", errors.New("neither %LOCALAPPDATA% nor %APPDATA% is set")
}
