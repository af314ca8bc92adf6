#!/usr/bin/env bash
# Runs a command inside a fresh network namespace of its own (TESTING.md, recipe A), so nothing
# the tests do can leave the machine. A veth pair gives Chromium a default-route interface to
# take ICE host candidates from (a loopback-only namespace gathers none); its far end v1 leads
# nowhere, and carries no multicast: like many school Wi-Fi networks, it resolves no mDNS names.
# Where user namespaces are unavailable, runs the command on the host network instead.
#
#   scripts/in-netns.sh <command> [args...]
#
# Exports HIVE_NETNS=1 inside the namespace and HIVE_LAN_HOST (the non-loopback address the app
# is opened from) in both cases.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi

readonly LAN_HOST=10.99.0.1
readonly SETUP="ip link set lo up
ip link add v0 type veth peer name v1
ip addr add ${LAN_HOST}/24 dev v0
ip link set v0 multicast off
ip link set v0 up
ip link set v1 up
ip route add default via 10.99.0.2 dev v0"

# Probe first: once the command runs inside, a setup failure could no longer fall back cleanly.
if unshare -rn sh -ec "$SETUP" >/dev/null 2>&1; then
  export HIVE_NETNS=1 HIVE_LAN_HOST="$LAN_HOST"
  # The inner shell sets the namespace up, then becomes the command (exec keeps signals direct).
  exec unshare -rn sh -ec "$SETUP"'
exec "$@"' in-netns "$@"
fi

echo "network namespace unavailable: running on the host network with no STUN/TURN"
HIVE_LAN_HOST="$(node -e '
const nets = Object.values(require("os").networkInterfaces()).flat();
const lan = nets.find((n) => n && n.family === "IPv4" && !n.internal);
process.stdout.write(lan ? lan.address : "");
')"
if [[ -n "$HIVE_LAN_HOST" ]]; then export HIVE_LAN_HOST; else unset HIVE_LAN_HOST; fi
unset HIVE_NETNS
exec "$@"
