#!/usr/bin/env bash
# Provides Oracle MySQL for the tests, the demo and the bench without touching the machine's packages
# or apt sources. Debian bookworm ships no MySQL server; Debian's unstable suite ships
# mysql-server-core, built against a newer glibc and libstdc++ than bookworm's. So: a private apt state
# (own sources list, lists and cache) resolves its dependencies, downloads them, and unpacks each into
# one folder, and the server runs through that folder's own loader. The result is
# .cache/oracle-mysql/bin/mysqld, a wrapper that execs the loader (same PID, so tests can stop it).
#
# Once per machine: a finished cache has a READY file, written last, after the binary has run. A run
# cut off half-way leaves only a .partial folder, which the next run removes and starts again.
# Every failure is one line naming the step that failed.
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${CHANGEGATE_MYSQL_CACHE:-$ROOT/.cache/oracle-mysql}"
PACKAGE="${CHANGEGATE_MYSQL_PACKAGE:-mysql-server-core}"
SUITE="${CHANGEGATE_MYSQL_SUITE:-sid}"

if [ -f "$CACHE/READY" ] && [ -x "$CACHE/bin/mysqld" ]; then exit 0; fi

fail() {
  echo "changegate: Oracle MySQL setup failed at step '$1': $2" >&2
  rm -rf "$WORK"
  exit 1
}

WORK="$CACHE.partial"
rm -rf "$WORK" "$CACHE"
mkdir -p "$WORK/apt/lists/partial" "$WORK/apt/cache/archives/partial" "$WORK/apt/etc" "$WORK/debs" "$WORK/root" \
  || fail "prepare" "cannot create $WORK"

# The machine's own Debian mirror, with the unstable suite.
MIRROR="$(grep -hoE '^(URIs:|deb) +https?://[^ ]+' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
  | grep -v security | head -1 | awk '{print $2}')"
MIRROR="${CHANGEGATE_MYSQL_MIRROR:-${MIRROR:-http://deb.debian.org/debian}}"
echo "deb $MIRROR $SUITE main" >"$WORK/apt/etc/sources.list"

APT_OPTS=(
  -o "Dir::Etc::SourceList=$WORK/apt/etc/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$WORK/apt/lists"
  -o "Dir::Cache=$WORK/apt/cache"
  # An empty status: nothing counts as installed, so the loader and every library come along.
  -o "Dir::State::status=/dev/null"
  -o "Debug::NoLocking=1"
  -o "APT::Sandbox::User=$(id -un)"
  -qq
)

echo "changegate: fetching Oracle MySQL ($PACKAGE from Debian $SUITE at $MIRROR) into $CACHE" >&2
# apt-get update exits 0 when a mirror cannot be reached (it only warns): the index files are the proof.
apt-get "${APT_OPTS[@]}" update >"$WORK/apt-update.log" 2>&1
if ! ls "$WORK"/apt/lists/*_Packages* >/dev/null 2>&1; then
  fail "apt-get update" "no package index of Debian $SUITE from $MIRROR: $(grep -m1 -E '^(E|W):' "$WORK/apt-update.log" | cut -c1-200)"
fi

# A name apt only knows as virtual, or not at all, has no version to download.
[ -n "$(apt-cache "${APT_OPTS[@]}" madison "$PACKAGE" 2>/dev/null)" ] \
  || fail "resolve" "package $PACKAGE is not in Debian $SUITE (any more)"

# Real package names only: virtual ones print as <name>.
mapfile -t PKGS < <(apt-cache "${APT_OPTS[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
  --no-breaks --no-replaces --no-enhances "$PACKAGE" 2>/dev/null | grep -E '^[a-z0-9]' | sort -u)
[ "${#PKGS[@]}" -gt 1 ] || fail "resolve" "no dependencies listed for $PACKAGE"

(cd "$WORK/debs" && apt-get "${APT_OPTS[@]}" download "${PKGS[@]}" >"$WORK/download.log" 2>&1) \
  || fail "download" "$(grep -m1 -E '^(E|W):' "$WORK/download.log" || tail -1 "$WORK/download.log")"

for deb in "$WORK"/debs/*.deb; do
  dpkg-deb -x "$deb" "$WORK/root" || fail "unpack" "dpkg-deb -x $(basename "$deb")"
done

R="$WORK/root"
LOADER="$(ls "$R"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$R"/lib64/ld-linux-x86-64.so.2 2>/dev/null | head -1)"
[ -n "$LOADER" ] || fail "unpack" "no ld-linux-x86-64.so.2 among the unpacked packages"
[ -x "$R/usr/sbin/mysqld" ] || fail "unpack" "no usr/sbin/mysqld in $PACKAGE"

# The wrapper names paths under the final folder; it is tried in place under .partial first.
write_wrapper() {
  local base="$1" loader_rel="${LOADER#"$R"/}"
  mkdir -p "$2/bin"
  cat >"$2/bin/mysqld" <<EOF
#!/bin/sh
# Oracle MySQL from Debian $SUITE, run through its own loader and libraries (written by scripts/fetch-oracle-mysql.sh).
exec "$base/root/$loader_rel" --library-path "$base/root/usr/lib/x86_64-linux-gnu:$base/root/lib/x86_64-linux-gnu" "$base/root/usr/sbin/mysqld" "\$@"
EOF
  chmod +x "$2/bin/mysqld"
}
write_wrapper "$WORK" "$WORK"
VERSION="$("$WORK/bin/mysqld" --no-defaults --version 2>"$WORK/version.log")" \
  || fail "run" "mysqld does not start: $(head -1 "$WORK/version.log")"
echo "$VERSION" | grep -q " Ver " || fail "run" "unexpected version line: $VERSION"

rm -rf "$WORK/apt" "$WORK/debs"
mv "$WORK" "$CACHE" || fail "install" "cannot move $WORK to $CACHE"
write_wrapper "$CACHE" "$CACHE"
"$CACHE/bin/mysqld" --no-defaults --version >/dev/null 2>&1 || fail "run" "mysqld does not start from $CACHE"
echo "$VERSION" | sed -E 's/.* Ver ([^ ]+).*/\1/' >"$CACHE/READY"
echo "changegate: Oracle MySQL $(cat "$CACHE/READY") ready in $CACHE" >&2
