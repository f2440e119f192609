#!/usr/bin/env bash
# End-to-end check of the `foundry` CLI against a real foundryd.
# Usage: tests/cli/cli_e2e.sh path/to/foundryd path/to/foundry
# Hermetic: a temp data dir, port 0 (the server writes its URL to
# <data_dir>/api.endpoint); the server is killed on exit.
set -euo pipefail

FOUNDRYD=$(realpath "$1")
FOUNDRY=$(realpath "$2")
TMP=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; echo "--- server log:" >&2; tail -20 "$TMP/server.log" >&2 || true; exit 1; }
step() { echo "== $*"; }

mkdir -p "$TMP/data"
"$FOUNDRYD" --data-dir "$TMP/data" --api-listen 127.0.0.1:0 >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  [[ -s "$TMP/data/api.endpoint" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "foundryd exited early"
  sleep 0.1
done
[[ -s "$TMP/data/api.endpoint" ]] || fail "no api.endpoint after 10s"

export FOUNDRY_DATA_DIR="$TMP/data"
unset FOUNDRY_ENDPOINT FOUNDRY_TOKEN FOUNDRY_CA_FILE FOUNDRY_CA_FINGERPRINT
export XDG_CONFIG_HOME="$TMP/xdg"  # no user config leaks in
f() { "$FOUNDRY" "$@"; }

step info
f info >/dev/null || fail "info"

step "apply (first run creates)"
mkdir -p "$TMP/site/sub"
cat >"$TMP/site/machines.yaml" <<'YAML'
kind: Machine
name: gpu-r17-u05
labels: {rack: r17, row: b}
spec: {arch: x86_64, firmware: uefi}
---
kind: Machine
name: gpu-r18-u01
labels: {rack: r18}
spec: {}
YAML
cat >"$TMP/site/sub/subnet.json" <<'JSON'
{"kind": "Subnet", "name": "prov", "labels": {"site": "lab"}, "spec": {"cidr": "10.20.0.0/24"}}
JSON
out=$(f apply -f "$TMP/site") || fail "apply: $out"
echo "$out"
grep -q "created Machine/gpu-r17-u05" <<<"$out" || fail "first apply did not create"

step "apply (second run all unchanged)"
out=$(f apply -f "$TMP/site") || fail "apply 2: $out"
echo "$out"
grep -q "0 created, 0 updated, 3 unchanged, 0 failed" <<<"$out" || fail "second apply not idempotent"

step "list with filters"
out=$(f machines list -l labels.rack=r17 -o json) || fail "list"
[[ $(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"], d["items"][0]["name"])' <<<"$out") == "1 gpu-r17-u05" ]] \
  || fail "filtered list: $out"
f machines list --sort -name >/dev/null || fail "list table"

step "get -o json"
out=$(f machine get gpu-r17-u05 -o json) || fail "get"
rev=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["rev"])' <<<"$out")
[[ "$rev" =~ ^[0-9]+$ ]] || fail "no rev in $out"

step "patch with a stale --if-match"
set +e
f machine patch gpu-r17-u05 --merge '{"labels":{"row":"c"}}' --if-match $((rev - 1)) 2>"$TMP/err"
code=$?
set -e
[[ $code -eq 1 ]] || fail "stale patch exit $code"
grep -q precondition_failed "$TMP/err" || fail "stale patch stderr: $(cat "$TMP/err")"
f machine patch gpu-r17-u05 --merge '{"labels":{"row":"c"}}' --if-match "$rev" >/dev/null || fail "fresh patch"

step delete
f machine delete gpu-r18-u01 >/dev/null || fail "delete"
set +e; f machine get gpu-r18-u01 2>/dev/null; code=$?; set -e
[[ $code -eq 1 ]] || fail "get after delete exit $code"

step "events --no-follow --after 0"
out=$(f events --no-follow --after 0) || fail "events"
echo "$out"
grep -q "Machine/gpu-r18-u01  deleted" <<<"$out" || fail "no delete event"
f events --no-follow --after 0 -o json | python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' || fail "events json"

step "bad token"
set +e
f --token fdy_bad_token machines list 2>"$TMP/err"
code=$?
set -e
[[ $code -eq 1 ]] || fail "bad token exit $code"
grep -q unauthenticated "$TMP/err" || fail "bad token stderr: $(cat "$TMP/err")"
grep -q fdy_bad_token "$TMP/err" && fail "token printed"

step "events (follow) resumes from --after"
set +e
timeout 3 "$FOUNDRY" events --after 4 -o json >"$TMP/follow" 2>/dev/null
set -e
python3 -c 'import json,sys; s=[json.loads(l)["seq"] for l in open(sys.argv[1])]; assert s and s[0]==5, s' "$TMP/follow" \
  || fail "follow: $(cat "$TMP/follow")"

step "token create (viewer can read, not write)"
viewer=$(f token create --ttl 1h --role viewer --description e2e -o json |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') || fail "token create"
f --token "$viewer" machines list >/dev/null || fail "viewer list"
set +e; f --token "$viewer" machine create v1 2>"$TMP/err"; code=$?; set -e
[[ $code -eq 1 ]] && grep -q permission_denied "$TMP/err" || fail "viewer create: $code $(cat "$TMP/err")"

step "admin backup, and restore refused while the server runs"
f admin backup -o "$TMP/backup.db" >/dev/null || fail "backup"
head -c 15 "$TMP/backup.db" | grep -q "SQLite format 3" || fail "backup is not SQLite"
set +e; f admin restore "$TMP/backup.db" 2>"$TMP/err"; code=$?; set -e
[[ $code -eq 1 ]] && grep -q "server is running" "$TMP/err" || fail "restore while running: $code $(cat "$TMP/err")"

step "usage errors exit 2"
set +e; f gizmos list 2>/dev/null; code=$?; set -e
[[ $code -eq 2 ]] || fail "unknown kind exit $code"

step "admin restore once the server has stopped"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
f admin restore "$TMP/backup.db" >/dev/null || fail "offline restore"
[[ ! -e "$TMP/data/foundry.db-wal" ]] || fail "stale WAL left behind"

echo "PASS"
