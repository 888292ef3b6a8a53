# Shared settings for the rapport end-to-end mail stack scripts. Sourced, not run.
# Everything lives under one state directory and listens on 127.0.0.1 only.

MS_STATE="${RAPPORT_MAILSTACK_DIR:-/tmp/rapport-mailstack}"
MS_HOST=127.0.0.1
MS_IMAP_PORT="${RAPPORT_MAILSTACK_IMAP_PORT:-10143}"       # IMAP + STARTTLS
MS_IMAPS_PORT="${RAPPORT_MAILSTACK_IMAPS_PORT:-10993}"     # IMAP implicit TLS
MS_SUBMISSION_PORT="${RAPPORT_MAILSTACK_SUBMISSION_PORT:-10587}" # SMTP submission, STARTTLS + AUTH required
MS_MX_PORT="${RAPPORT_MAILSTACK_MX_PORT:-10025}"           # inbound SMTP ("the internet delivers here")
MS_OAUTH_PORT="${RAPPORT_MAILSTACK_OAUTH_PORT:-10080}"     # Dovecot's OAuth2 introspection URL (testoauth-router)
MS_POLICY_PORT="${RAPPORT_MAILSTACK_POLICY_PORT:-10081}"   # Postfix policy service (testoauth-router -policy): holds hold-* final dots
MS_POLICY_HOLD="${RAPPORT_MAILSTACK_POLICY_HOLD:-10s}"     # how long it keeps back the reply to a hold-* recipient's final dot
MS_DOMAIN=rapport.test
MS_HOSTNAME=mail.rapport.test
MS_PASSWORD="${RAPPORT_MAILSTACK_PASSWORD:-secret}"
MS_MAIL_USER="${RAPPORT_MAILSTACK_MAIL_USER:-vmail}"       # owns the Maildirs
MS_USERS="owner alice bob carol dave"                      # pre-created; any other local part works too
MS_MISSING="missing nobody unknown"                        # local parts whose mailbox "does not exist" (LMTP 550)
MS_START_TIMEOUT="${RAPPORT_MAILSTACK_START_TIMEOUT:-30}"

MS_TLS="$MS_STATE/tls"
MS_DOVECOT="$MS_STATE/dovecot"
MS_DOVECOT_CONF="$MS_DOVECOT/dovecot.conf"
MS_DOVECOT_RUN="$MS_DOVECOT/run"
MS_POSTFIX="$MS_STATE/postfix/conf"        # config_directory (must be root-owned throughout)
MS_POSTFIX_SPOOL="$MS_STATE/postfix/spool"  # queue_directory
MS_POSTFIX_DATA="$MS_STATE/postfix/data"    # data_directory
MS_MAIL="$MS_STATE/mail"
MS_SIEVE="$MS_STATE/sieve"
MS_LOG="$MS_STATE/log"
MS_OAUTH="$MS_STATE/oauth"                 # testoauth-router binary and pid
MS_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"   # the rapport checkout (builds the router)

ms_die() { echo "mailstack: ERROR: $*" >&2; exit 1; }
ms_log() { echo "mailstack: $*"; }

ms_need_root() {
  [ "$(id -u)" -eq 0 ] || ms_die "must run as root (Postfix and Dovecot drop privileges themselves); try: sudo $0 $*"
}

# ms_port_open PORT -> 0 if something accepts TCP connections on 127.0.0.1:PORT
ms_port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$MS_HOST/$1" 2>/dev/null
}

ms_dovecot_running() {
  [ -f "$MS_DOVECOT_CONF" ] || return 1
  local pid
  pid="$(cat "$MS_DOVECOT_RUN/master.pid" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

ms_postfix_running() {
  [ -f "$MS_POSTFIX/main.cf" ] || return 1
  postfix -c "$MS_POSTFIX" status >/dev/null 2>&1
}

# ms_go -> the go command (sudo's secure_path often lacks /usr/local/go/bin)
ms_go() {
  if [ -n "${RAPPORT_MAILSTACK_GO:-}" ]; then echo "$RAPPORT_MAILSTACK_GO"; return 0; fi
  command -v go 2>/dev/null && return 0
  for g in /usr/local/go/bin/go /usr/lib/go/bin/go; do [ -x "$g" ] && { echo "$g"; return 0; }; done
  return 1
}

ms_router_running() {
  local pid
  pid="$(cat "$MS_OAUTH/router.pid" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q testoauth "/proc/$pid/cmdline" 2>/dev/null
}
