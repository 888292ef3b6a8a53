#!/usr/bin/env bash
# Install the packages for the throw-away end-to-end mail stack (Debian/Ubuntu).
# Idempotent: does nothing if everything is already installed.
# Needs root (or passwordless sudo). Never starts the distro's own daemons:
# start.sh runs private instances on non-standard ports.
set -euo pipefail

PKGS=(dovecot-imapd dovecot-lmtpd dovecot-sieve postfix swaks openssl ca-certificates)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "mailstack: all packages already installed (${PKGS[*]})"
else
  echo "mailstack: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  echo "postfix postfix/mailname string mail.rapport.test" | $SUDO debconf-set-selections

  # Keep the package scripts from starting the distro instances (they would grab
  # ports 25/143/993/...). Only add a policy-rc.d if none exists, and remove ours after.
  ours_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d
    ours_policy=1
  fi
  trap '[ "$ours_policy" = 1 ] && $SUDO rm -f /usr/sbin/policy-rc.d' EXIT

  # apt-get update only if the lists are missing or older than a day.
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
    $SUDO apt-get update -qq
  fi
  $SUDO apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
fi

# Users the private instances need. The packages create postfix/postdrop and
# dovecot/dovenull; vmail owns the test mail.
if ! getent group vmail >/dev/null; then $SUDO groupadd --system vmail; fi
if ! getent passwd vmail >/dev/null; then
  $SUDO useradd --system --gid vmail --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin vmail
fi

# Stop distro default instances if something started them anyway
# (e.g. a host without policy-rc.d). We never use them.
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  for s in dovecot postfix; do
    $SUDO systemctl stop "$s" 2>/dev/null || true
    $SUDO systemctl disable "$s" 2>/dev/null || true
  done
else
  # Distro postfix uses /etc/postfix, distro dovecot /run/dovecot.
  if [ -f /etc/postfix/main.cf ] && $SUDO postfix -c /etc/postfix status >/dev/null 2>&1; then
    $SUDO postfix -c /etc/postfix stop || true
  fi
  if [ -S /run/dovecot/master ] || [ -f /run/dovecot/master.pid ]; then
    $SUDO doveadm -c /etc/dovecot/dovecot.conf stop 2>/dev/null || true
  fi
fi

echo "mailstack: install ok ($(dpkg-query -W -f='${Version}' dovecot-core 2>/dev/null | sed 's/^/dovecot /'), $(dpkg-query -W -f='${Version}' postfix | sed 's/^/postfix /'))"
