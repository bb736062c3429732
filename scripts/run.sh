#!/usr/bin/env bash
# Starts the reference backend on an embedded SQLite database seeded with demo data, then the app.
# Without a display the app runs under Xvfb; a screenshot of it is saved and its path printed.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var target
DB="sqlite://var/demo.db"
# The demo's private keys (root and issuer), never in the database; created 0600 by the seed.
KEYS="var/demo.keys"
LISTEN="${SHIMIN_LISTEN:-127.0.0.1:8787}"
BACKEND=target/debug/shimin-backend
APP=target/debug/shimin-app

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

"$BACKEND" seed --database "$DB" --key-file "$KEYS" --citizens 5
"$BACKEND" serve --database "$DB" --key-file "$KEYS" --listen "$LISTEN" &
pids+=($!)
for _ in $(seq 1 50); do
  if curl -fsS "http://$LISTEN/healthz" >/dev/null 2>&1; then break; fi
  sleep 0.1
done
echo "backend: http://$LISTEN ($(curl -fsS "http://$LISTEN/healthz" 2>/dev/null || echo 'not answering'))"
# The department's workbench (ADR 0007) is served by the backend itself.
echo "workbench: open http://$LISTEN/desk/ in a browser; demo sign-in chaoyang-civil-admin / demo-desk-2024"
echo "           (administrator of 北京市朝阳区民政局; chaoyang-civil-reviewer / demo-desk-review-2024 may only read)"
export SHIMIN_BACKEND_URL="http://$LISTEN"

# The demo configuration: the demo backend's root public key, which the app checks the backend's
# trust list against. A release build pins it at build time; this development build reads it at
# start (src-tauri/build.rs), so the build `make test` made serves here unchanged.
mkdir -p var/demo
ROOT_PUB=var/demo/root.pub
curl -fsS "http://$LISTEN/v1/root-key" -o "$ROOT_PUB.new"
if cmp -s "$ROOT_PUB.new" "$ROOT_PUB"; then rm "$ROOT_PUB.new"; else mv "$ROOT_PUB.new" "$ROOT_PUB"; fi
export SHIMIN_ROOT_KEY_FILE="$PWD/$ROOT_PUB"

if [ -n "${DISPLAY:-}" ]; then
  echo "app: opening the Shimin window (close it to stop)"
  "$APP"
else
  n=$(( 90 + RANDOM % 100 ))
  while [ -e "/tmp/.X${n}-lock" ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
  export DISPLAY=":$n" LIBGL_ALWAYS_SOFTWARE=1
  echo "app: no display here, so the app runs under Xvfb on $DISPLAY"
  "$APP" &
  app_pid=$!
  pids+=("$app_pid")
  sleep "${SHIMIN_SCREENSHOT_DELAY:-6}"
  shot="$PWD/target/run-screen.png"
  if import -display "$DISPLAY" -window root -crop 400x780+0+0 "$shot" 2>/dev/null; then
    echo "app: screenshot saved to $shot"
  else
    echo "app: could not take a screenshot (ImageMagick's import is missing?)"
  fi
  echo "app: running (pid $app_pid); press Ctrl-C to stop"
  wait "$app_pid"
fi
