#!/usr/bin/env bash
# Makes sure a MySQL-compatible server binary is on PATH for the tests and the demo.
# On a fresh Debian machine that means Debian's mariadb-server, installed with apt.
set -euo pipefail
if [ -n "${CHANGEGATE_TEST_MYSQL_URL:-}" ]; then exit 0; fi
if command -v mariadbd >/dev/null 2>&1 || command -v mysqld >/dev/null 2>&1; then exit 0; fi
for d in /usr/sbin /usr/local/sbin /usr/libexec; do
  if [ -x "$d/mariadbd" ] || [ -x "$d/mysqld" ]; then exit 0; fi
done
echo "changegate: no mariadbd/mysqld on PATH; installing Debian's mariadb-server" >&2
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client >/dev/null
