// Command danvan is the desktop application: it opens the database and shows the
// main window. Everything else lives in danvan/ui and danvan/data.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"danvan/assets"
	"danvan/data"
	"danvan/ui"
)

// Set at build time with -ldflags "-X main.version=... -X main.commit=... -X main.date=...":
// fyne package's metadata is not available to a binary built with go build.
var (
	version = "dev"
	commit  = "unknown"
	date    = "unknown"
)

func main() {
	db := flag.String("db", "", fmt.Sprintf("database file (default $%s, else %s)", data.EnvDB, data.DefaultPath()))
	flag.Parse()
	path := *db
	if path == "" {
		path = data.DefaultPath() // honours $DANVAN_DB
	}

	if noDisplay() {
		fmt.Fprintln(os.Stderr, "danvan: no graphical display (DISPLAY and WAYLAND_DISPLAY are empty); run it from a desktop session, or use danvanctl")
		os.Exit(1)
	}
	a := app.NewWithID("vn.danvan.app")
	if err := lang.AddTranslationsFS(assets.Translations, "translation"); err != nil {
		fyne.LogError("loading translations", err)
	}
	ui.ApplyLanguagePreference(a) // before any widget is made: words are chosen then
	ui.ApplyThemePreference(a)
	a.SetIcon(ui.Icon())
	w := a.NewWindow("danvan")
	w.Resize(fyne.NewSize(1280, 720)) // fits a 1366x768 screen with its taskbar
	w.SetMaster()
	u := ui.New(a, w, ui.BuildInfo{Version: version, Commit: commit, Date: date})
	u.WatchChanges()
	if s, err := data.Open(context.Background(), path); err != nil {
		u.ShowOpenError(path, err)
	} else {
		u.SetStore(s)
	}
	w.ShowAndRun()
	u.Close()
}

// noDisplay tells, on Linux, that no display server is reachable: GLFW would panic
// with a stack trace instead of a sentence a staff officer can act on.
func noDisplay() bool {
	return runtime.GOOS == "linux" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == ""
}
