#!/bin/sh
# spamcheck.sh: render one message of every default template and score each
# with SpamAssassin using local rules only (no network tests). Fails if any
# message scores above the threshold.
#
#   scripts/spamcheck.sh [-t TEMPLATE_DIR]    (THRESHOLD=0.5 by default)
#
# Needs the spamassassin Debian package (apt-get install -y spamassassin).
set -eu

threshold="${THRESHOLD:-0.5}"
tdir=""
if [ "${1:-}" = "-t" ]; then tdir="$2"; fi

if ! command -v spamassassin >/dev/null 2>&1; then
	echo "spamcheck: spamassassin not found; install it with: apt-get install -y spamassassin" >&2
	exit 2
fi

cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

go run ./internal/compose/cmd/render-samples -out "$out" ${tdir:+-templates "$tdir"}

fail=0
for f in "$out"/*.eml; do
	kind="$(basename "$f" .eml)"
	report="$(spamassassin -L -t <"$f" 2>/dev/null)"
	score="$(printf '%s\n' "$report" | sed -n 's/^X-Spam-Status: [A-Za-z]*, score=\(-\{0,1\}[0-9.]*\).*/\1/p' | head -n 1)"
	if [ -z "$score" ]; then
		echo "spamcheck: no score for $kind" >&2
		fail=1
		continue
	fi
	rules="$(printf '%s\n' "$report" | awk '/^Content analysis details:/{on=1; next} on && /^ *-?[0-9]+\.[0-9]+ [A-Z0-9_]+/{printf "%s(%s) ", $2, $1}')"
	status=ok
	if awk -v s="$score" -v t="$threshold" 'BEGIN{exit !(s > t)}'; then
		status=FAIL
		fail=1
	fi
	printf '%-13s %6s  %-4s %s\n' "$kind" "$score" "$status" "$rules"
done
exit "$fail"
