#!/bin/sh
# systemd-check.sh: score the sandbox of rapport's systemd units with
# `systemd-analyze security --offline=true` (no running systemd needed, so
# it works in a container or CI) and fail if the system unit's exposure is
# above the limit. The user unit's score is printed for information: a user
# manager cannot apply every directive, so it is not held to the limit.
#
#   scripts/systemd-check.sh            (LIMIT=2.0 by default)
#
# Installs systemd (for systemd-analyze) with apt-get when it is missing.
set -eu

limit="${LIMIT:-2.0}"
cd "$(dirname "$0")/.."

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "systemd-check: systemd-analyze not found; installing systemd" >&2
	sudo=""
	if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq systemd >/dev/null
fi
systemd-analyze --version | head -n 1

# score UNIT [ARGS...] prints the overall exposure (e.g. 1.1), or fails.
score() {
	unit="$1"
	shift
	out=$(systemd-analyze security --offline=true --no-pager "$@" "$unit" 2>&1) || {
		# systemd-analyze exits non-zero only on errors here (no --threshold).
		printf '%s\n' "$out" >&2
		return 1
	}
	s=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for .*: \([0-9][0-9]*\.[0-9]\).*/\1/p')
	if [ -z "$s" ]; then
		printf '%s\n' "$out" >&2
		echo "systemd-check: no exposure level for $unit" >&2
		return 1
	fi
	echo "$s"
}

# above A B: true when A > B (decimals).
above() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }

fail=0

sys=$(score systemd/rapport.service) || exit 1
if above "$sys" "$limit"; then
	echo "systemd/rapport.service       exposure $sys  FAIL (limit $limit)"
	systemd-analyze security --offline=true --no-pager systemd/rapport.service | grep '✗' >&2 || true
	fail=1
else
	echo "systemd/rapport.service       exposure $sys  ok (limit $limit)"
fi

# The user unit is scored as a user unit when a runtime directory can be
# made up for the analyzer (it needs one even offline), else as a system
# unit; either way only printed.
rt="${XDG_RUNTIME_DIR:-}"
tmp=""
if [ -z "$rt" ] || [ ! -d "$rt" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	rt="$tmp"
fi
if user=$(XDG_RUNTIME_DIR="$rt" score systemd/rapport-user.service --user 2>/dev/null); then
	how="as a user unit"
else
	user=$(score systemd/rapport-user.service) || user="?"
	how="as a system unit"
fi
echo "systemd/rapport-user.service  exposure $user  (informational, scored $how)"

exit "$fail"
