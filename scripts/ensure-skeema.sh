#!/usr/bin/env bash
# The bench's peer for big schemas: Skeema (Debian's package; bookworm has 1.9), installed with apt
# when missing, in one apt-get update and one install. Only `npm run bench` needs it.
set -euo pipefail
if command -v skeema >/dev/null 2>&1; then exit 0; fi
echo "changegate: installing skeema with apt (the bench compares drift and baseline with it)" >&2
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends skeema >/dev/null
