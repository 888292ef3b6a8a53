#!/usr/bin/env bash
# Install or remove a Sieve vacation (out-of-office) auto-reply for a test user.
#   vacation.sh USER "text"             answer every message to USER with "text"
#   vacation.sh USER "text" "subject"   ... with that subject (default "Out of office")
#   vacation.sh USER --off              remove USER's sieve script
# USER is a local part (bob) or an address (bob@rapport.test). Root is not
# needed: the sieve directory is world-writable. ":seconds 0" (allowed because
# the stack sets sieve_vacation_min_period = 0) means no once-per-sender
# suppression, so repeated test runs always get a reply.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/common.sh"

[ $# -ge 2 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
user="$1"
case "$user" in *@*) ;; *) user="$user@$MS_DOMAIN";; esac
user="$(printf '%s' "$user" | tr '[:upper:]' '[:lower:]')"
script="$MS_SIEVE/$user.sieve"
[ -d "$MS_SIEVE" ] || ms_die "$MS_SIEVE missing; run start.sh first"

if [ "$2" = "--off" ]; then
  rm -f "$script" "${script%.sieve}.svbin" 2>/dev/null || rm -f "$script"
  ms_log "vacation off for $user"
  exit 0
fi

esc() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }
tmp="$(mktemp "$MS_SIEVE/.tmp-XXXXXX")"
printf 'require ["vacation", "vacation-seconds"];\nvacation :seconds 0 :subject "%s" "%s";\n' \
  "$(esc "${3:-Out of office}")" "$(esc "$2")" > "$tmp"
chmod 644 "$tmp"
rm -f "${script%.sieve}.svbin" 2>/dev/null || true
touch -d '+2 seconds' "$tmp" 2>/dev/null || true
mv -f "$tmp" "$script"
ms_log "vacation on for $user ($script)"
