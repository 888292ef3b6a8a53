#!/usr/bin/env bash
# Stop the rapport end-to-end mail stack started by start.sh.
#   stop.sh          stop Postfix and Dovecot (mail, certs and config are kept)
#   stop.sh reset    stop, then wipe all mail, sieve scripts and the Postfix queue
#                    (certs and config are kept; run start.sh again afterwards)
#   stop.sh purge    stop, then remove the whole state directory
# Safe to run when nothing is running.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/common.sh"

mode="${1:-stop}"
case "$mode" in stop|reset|purge) ;; *) echo "usage: $0 [reset|purge]" >&2; exit 2;; esac
ms_need_root "$@"

wait_gone() { # PID NAME
  local i
  for i in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  ms_log "$2 (pid $1) did not exit in 10s, killing"; kill -9 "$1" 2>/dev/null || true
}

# Postfix
pf_pid="$(cat "$MS_POSTFIX_SPOOL/pid/master.pid" 2>/dev/null | tr -d ' ' || true)"
if [ -f "$MS_POSTFIX/main.cf" ] && ms_postfix_running; then
  ms_log "postfix: stopping"
  postfix -c "$MS_POSTFIX" stop >/dev/null 2>&1 || true
fi
if [ -n "$pf_pid" ] && kill -0 "$pf_pid" 2>/dev/null && grep -q master "/proc/$pf_pid/comm" 2>/dev/null; then
  kill "$pf_pid" 2>/dev/null || true
  wait_gone "$pf_pid" postfix
fi

# OAuth2 introspection router
if ms_router_running; then
  rt_pid="$(cat "$MS_OAUTH/router.pid")"
  ms_log "oauth router: stopping"
  kill "$rt_pid" 2>/dev/null || true
  wait_gone "$rt_pid" testoauth-router
fi
rm -f "$MS_OAUTH/router.pid" 2>/dev/null || true

# Dovecot
dc_pid="$(cat "$MS_DOVECOT_RUN/master.pid" 2>/dev/null || true)"
if [ -n "$dc_pid" ] && kill -0 "$dc_pid" 2>/dev/null; then
  ms_log "dovecot: stopping"
  doveadm -c "$MS_DOVECOT_CONF" stop 2>/dev/null || kill "$dc_pid" 2>/dev/null || true
  wait_gone "$dc_pid" dovecot
fi

case "$mode" in
  reset)
    ms_log "reset: wiping mail, sieve scripts and the Postfix queue under $MS_STATE"
    rm -rf "$MS_MAIL" "$MS_SIEVE" "$MS_POSTFIX_SPOOL" "$MS_DOVECOT/state"
    : > "$MS_LOG/dovecot.log" 2>/dev/null || true
    : > "$MS_LOG/postfix.log" 2>/dev/null || true
    ;;
  purge)
    case "$MS_STATE" in /|/tmp|/root|/home|"") ms_die "refusing to remove $MS_STATE";; esac
    ms_log "purge: removing $MS_STATE"
    rm -rf "$MS_STATE"
    ;;
esac
ms_log "stopped"
