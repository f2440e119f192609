#!/usr/bin/env bash
# make demo: starts foundryd on loopback with a fresh data directory, loads
# examples/content through the API with the CLI, and shows the result.
# (The full bare-metal-to-ready demo of a virtual rack replaces this when the
# boot, discovery and install issues land.)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${FOUNDRY_BUILD_DIR:-$root/build}/apps
data=$root/.foundry-demo
rm -rf "$data"
mkdir -m 0700 -p "$data"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "starting foundryd (HTTPS on 127.0.0.1, data in $data)"
"$bin/foundryd" --data-dir "$data" --api-listen 127.0.0.1:0 --log-level info \
  >"$data/foundryd.log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  [[ -s "$data/api.endpoint" ]] && break
  if ! kill -0 "$pid" 2>/dev/null; then cat "$data/foundryd.log"; exit 1; fi
  sleep 0.1
done
[[ -s "$data/api.endpoint" ]] || { echo "foundryd did not start"; cat "$data/foundryd.log"; exit 1; }
export FOUNDRY_DATA_DIR=$data
foundry() { "$bin/foundry" "$@"; }

echo "endpoint: $(cat "$data/api.endpoint")   CA: $data/tls/ca.crt   admin token: $data/admin.token (0600)"
foundry info

say "foundry apply -f examples/content   (first run creates)"
foundry apply -f examples/content
say "foundry apply -f examples/content   (second run: nothing to change)"
foundry apply -f examples/content

say "foundry machines list"
foundry machines list
say "foundry machines list -l labels.sku=hgx-h100 -l spec.arch=x86_64"
foundry machines list -l labels.sku=hgx-h100 -l spec.arch=x86_64
say "foundry machine patch gpu-r17-u09 --merge '{\"labels\":{\"state\":\"burn-in\"}}'"
foundry machine patch gpu-r17-u09 --merge '{"labels":{"state":"burn-in"}}' -o yaml
say "foundry bmc get bmc-r17-u05 -o json   (the password is never shown)"
foundry bmc get bmc-r17-u05 -o json
say "foundry events --no-follow   (the audit trail)"
foundry events --no-follow --after 0
say "stopping foundryd (SIGTERM: drain, flush, exit 0)"
kill -TERM "$pid"
wait "$pid" && echo "foundryd exited 0"
trap - EXIT
tail -3 "$data/foundryd.log"
