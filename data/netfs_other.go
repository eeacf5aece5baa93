//go:build !linux && !windows

package data

// detectNetworkFS knows no network file systems on this system.
func detectNetworkFS(string) (string, bool) { return "", false }
