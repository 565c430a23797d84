#!/usr/bin/env bash
# Makes sure the test server that CHANGEGATE_TEST_SERVER names (mariadb, the default, or mysql) is there
# for the tests, the demo and the bench. MariaDB: Debian's mariadb-server, installed with apt when no
# mariadbd is found, for both servers (the IAM token tests always use its auth_pam). MySQL: Oracle
# MySQL unpacked into .cache/ by fetch-oracle-mysql.sh.
set -euo pipefail
if [ -n "${CHANGEGATE_TEST_MYSQL_URL:-}" ]; then exit 0; fi
case "${CHANGEGATE_TEST_SERVER:-mariadb}" in
  # The IAM token tests need MariaDB's auth_pam on a mysql run too: MariaDB is checked below either way.
  mysql) bash "$(dirname "$0")/fetch-oracle-mysql.sh" ;;
  mariadb) ;;
  *) echo "changegate: CHANGEGATE_TEST_SERVER must be mariadb or mysql, not '${CHANGEGATE_TEST_SERVER}'" >&2; exit 2 ;;
esac
if command -v mariadbd >/dev/null 2>&1; then exit 0; fi
for d in /usr/sbin /usr/local/sbin /usr/libexec; do
  if [ -x "$d/mariadbd" ]; then exit 0; fi
done
echo "changegate: no mariadbd on PATH; installing Debian's mariadb-server" >&2
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client >/dev/null
