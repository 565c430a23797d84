#!/usr/bin/env bash
# Makes sure what the tests, the demo and the bench need is there, so that no test has a reason to
# skip: the test server that CHANGEGATE_TEST_SERVER names (mariadb, the default, or mysql), openssl
# (the harness makes each server's TLS CA with it; AWS environments always use TLS) and jq (the drift
# workflow's matrix step runs it), Percona Toolkit (online schema changes run pt-online-schema-change)
# and the MariaDB client (the online tests' stand-in tool logs in with it). MariaDB: Debian's mariadb-server, on both servers (the IAM token
# tests always start one for its auth_pam). MySQL: Oracle MySQL unpacked into .cache/ by
# fetch-oracle-mysql.sh. Both also with CHANGEGATE_TEST_MYSQL_URL: the harness's teardown test and the
# IAM token tests start servers of their own. What is missing is installed with apt, in one
# apt-get update and one install.
set -euo pipefail
case "${CHANGEGATE_TEST_SERVER:-mariadb}" in
  mysql) bash "$(dirname "$0")/fetch-oracle-mysql.sh" ;;
  mariadb) ;;
  *) echo "changegate: CHANGEGATE_TEST_SERVER must be mariadb or mysql, not '${CHANGEGATE_TEST_SERVER}'" >&2; exit 2 ;;
esac

have_mariadbd() {
  if command -v mariadbd >/dev/null 2>&1; then return 0; fi
  for d in /usr/sbin /usr/local/sbin /usr/libexec; do
    if [ -x "$d/mariadbd" ]; then return 0; fi
  done
  return 1
}

missing=()
if ! have_mariadbd; then missing+=(mariadb-server mariadb-client); fi
if ! command -v openssl >/dev/null 2>&1; then missing+=(openssl); fi
if ! command -v jq >/dev/null 2>&1; then missing+=(jq); fi
if ! command -v pt-online-schema-change >/dev/null 2>&1; then missing+=(percona-toolkit); fi
if ! command -v mariadb >/dev/null 2>&1 && ! command -v mysql >/dev/null 2>&1; then missing+=(mariadb-client); fi
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi

echo "changegate: installing ${missing[*]} with apt (the tests need them)" >&2
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
