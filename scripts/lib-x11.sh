# Sourced by the scripts that drive a GUI under Xvfb (smoke-gui.sh, dist-check.sh).
#
#   x11_start LOG          start Xvfb on a free display and export DISPLAY
#   x11_wait_window NAME PID LOG [SECONDS]
#                          wait until a window whose title matches NAME appears;
#                          fail (printing LOG) if PID exits first or time runs out
#   x11_stop               stop the Xvfb started by x11_start

x11_pid=""

x11_start() {
  # -displayfd makes Xvfb pick a free display itself and write its number once it
  # accepts connections: no guessing a number that another X server may hold.
  local log="$1" numfile
  numfile=$(mktemp)
  # -noreset: by default Xvfb resets when its last client (the xdpyinfo probe below)
  # leaves, and a window opened during the reset finds no display (GLFW:
  # "Failed to detect any supported platform"), one run in four here.
  Xvfb -displayfd 3 -screen 0 1366x768x24 -nolisten tcp -noreset 3>"$numfile" >"$log" 2>&1 &
  x11_pid=$!
  for _ in $(seq 100); do
    [ -s "$numfile" ] && break
    kill -0 "$x11_pid" 2>/dev/null || break
    sleep 0.1
  done
  if ! [ -s "$numfile" ]; then
    rm -f "$numfile"
    echo "Xvfb did not start:"; cat "$log"; return 1
  fi
  export DISPLAY=":$(head -1 "$numfile")"
  rm -f "$numfile"
  xdpyinfo >/dev/null 2>&1 || { echo "Xvfb started but $DISPLAY does not answer:"; cat "$log"; return 1; }
}

x11_wait_window() {
  local name="$1" pid="$2" log="$3" seconds="${4:-60}"
  for _ in $(seq $((seconds * 2))); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name exited before showing a window:"; cat "$log"; return 1
    fi
    xdotool search --name "$name" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "no $name window after $seconds s:"; cat "$log"; return 1
}

x11_stop() {
  [ -n "$x11_pid" ] && kill "$x11_pid" 2>/dev/null || true
  x11_pid=""
}
