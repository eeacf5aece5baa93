package data

import (
	"path/filepath"

	"golang.org/x/sys/windows"
)

func detectNetworkFS(path string) (string, bool) {
	if isUNC(path) {
		return "a network share", true
	}
	vol := filepath.VolumeName(path) // "Z:"
	root, err := windows.UTF16PtrFromString(vol + `\`)
	if vol == "" || err != nil {
		return "", false
	}
	if windows.GetDriveType(root) == windows.DRIVE_REMOTE {
		return "network drive " + vol, true
	}
	return "", false
}
