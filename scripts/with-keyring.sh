#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a fresh, unlocked, throwaway
# gnome-keyring, so keytar talks to a real Secret Service without touching the
# user's own keyring. Usage: scripts/with-keyring.sh <command> [args...]
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 64
fi

# npm runs this with every node_modules/.bin first on PATH, often as root: what this
# script runs itself (D-Bus, the keyring, coreutils) comes from the system's directories
# only, and the caller's PATH comes back for the command it wraps.
export TOKEN_DESK_CALLER_PATH="${TOKEN_DESK_CALLER_PATH:-$PATH}"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

if [[ -z "${TOKEN_DESK_IN_KEYRING:-}" ]]; then
  for tool in dbus-run-session gnome-keyring-daemon dbus-send; do
    if ! command -v "$tool" >/dev/null; then
      echo "$0: '$tool' is missing. Install the Debian packages dbus, dbus-x11 and gnome-keyring (see .ci/run)." >&2
      exit 69
    fi
  done
  export TOKEN_DESK_IN_KEYRING=1
  exec dbus-run-session -- "$0" "$@"
fi

# Inside the private bus from here on.
scratch=$(mktemp -d -t token-desk-keyring.XXXXXX)
chmod 700 "$scratch"
mkdir -p "$scratch/data" "$scratch/runtime"
chmod 700 "$scratch/runtime"
export XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime"

# A non-empty password: an empty one on a fresh keyring makes the daemon wait for a GUI prompt.
printf 'token-desk-test-keyring' |
  gnome-keyring-daemon --foreground --unlock --components=secrets >"$scratch/daemon.log" 2>&1 &
daemon=$!

cleanup() {
  # By PID: a daemon left running would hold our caller's output pipe open forever.
  kill "$daemon" 2>/dev/null || true
  wait "$daemon" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

# Poll NameHasOwner first: asking org.freedesktop.secrets anything before our daemon
# owns the name would make D-Bus auto-start a second, locked daemon.
bus_query() {
  dbus-send --session --print-reply "$@" 2>/dev/null
}
ready=""
for _ in $(seq 1 100); do
  if bus_query --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
    string:org.freedesktop.secrets | grep -q 'boolean true' &&
    bus_query --dest=org.freedesktop.secrets /org/freedesktop/secrets/collection/login \
      org.freedesktop.DBus.Properties.Get string:org.freedesktop.Secret.Collection string:Locked |
    grep -q 'boolean false'; then
    ready=1
    break
  fi
  if ! kill -0 "$daemon" 2>/dev/null; then break; fi
  sleep 0.1
done
if [[ -z "$ready" ]]; then
  echo "$0: gnome-keyring did not come up with an unlocked login collection. Its log:" >&2
  cat "$scratch/daemon.log" >&2
  exit 70
fi

status=0
PATH="$TOKEN_DESK_CALLER_PATH" "$@" || status=$?
exit "$status"
