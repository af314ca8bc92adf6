#!/usr/bin/env bash
# Proves the deployment path: a copy of this tree with its build (dist/, dist-server/) but only
# production dependencies (`npm ci --omit=dev`) serves the app through `npm start`, and stops
# when npm gets SIGTERM. .ci/run runs it after `npm ci` has built the tree.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -f dist/index.html || ! -f dist-server/main.js ]]; then
  echo "deploy-check: build first (npm install or npm run build)" >&2
  exit 1
fi

scratch="$(mktemp -d)"
server_pids=()
cleanup() {
  if (( ${#server_pids[@]} )); then kill "${server_pids[@]}" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

# The tree as a clone would have it (tracked and new files, nothing ignored), plus the build.
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$scratch"
cp -a dist dist-server "$scratch/"
cd "$scratch"
npm ci --omit=dev --prefer-offline --no-audit --no-fund --loglevel=error
for tool in vite tsx typescript; do
  if [[ -e "node_modules/$tool" ]]; then echo "deploy-check: dev dependency $tool was installed" >&2; exit 1; fi
done

port="$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
PORT="$port" HOST=127.0.0.1 npm start >server.log 2>&1 &
npm_pid=$!

# Each check is one fetch; the server gets 30 s to come up.
node --input-type=module -e "
const base = 'http://127.0.0.1:$port';
const deadline = Date.now() + 30_000;
for (;;) {
  try { if ((await fetch(base + '/health')).ok) break; } catch {}
  if (Date.now() > deadline) throw new Error('no /health within 30 s');
  await new Promise((resolve) => setTimeout(resolve, 200));
}
const page = await fetch(base + '/?colony=demo');
const html = await page.text();
const script = /<script type=\"module\" crossorigin src=\"([^\"]+)\"/.exec(html)?.[1];
if (page.status !== 200 || !script) throw new Error('the page is not the built app: ' + page.status);
const asset = await fetch(base + script, { headers: { 'accept-encoding': 'br' } });
if (asset.status !== 200 || !/immutable/.test(asset.headers.get('cache-control') ?? '')) throw new Error('the app script is not served as a hashed asset');
" || { cat server.log; exit 1; }

# Everything npm started (a shell between npm and node would not pass SIGTERM on).
descendants() {
  local child
  for child in $(pgrep -P "$1"); do echo "$child"; descendants "$child"; done
}
mapfile -t server_pids < <(descendants "$npm_pid")
if (( ${#server_pids[@]} == 0 )); then echo "deploy-check: npm start has no server process" >&2; cat server.log; exit 1; fi
any_alive() {
  local pid
  for pid in "${server_pids[@]}"; do kill -0 "$pid" 2>/dev/null && return 0; done
  return 1
}
kill -TERM "$npm_pid"
for _ in $(seq 50); do
  any_alive || break
  sleep 0.1
done
if any_alive; then echo "deploy-check: the server outlived npm's SIGTERM" >&2; exit 1; fi
server_pids=()
wait "$npm_pid" || true
echo "deploy-check: npm ci --omit=dev && npm start serves the app and stops on SIGTERM"
