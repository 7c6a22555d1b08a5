#!/usr/bin/env bash
# Prepares a Debian root holding ISC Kea 3.0 (Debian's unstable suite: kea-dhcp4-server,
# kea-ctrl-agent, kea-admin, kea-common with every command hook; postgresql-client for
# `kea-admin db-init pgsql`), for the Kea 3 tests and
# benchmarks. Kea 3 needs a newer libc than Debian 12, so it runs from this root with chroot.
# Built once, outside the clone, and rebuilt only when missing, incomplete or made for another
# package list (1 to 6 minutes, by the mirror's speed).
#   scripts/kea3-root.sh          prepare it if needed and print its path
# Environment: TANDEM_KEA3_ROOT (where; default ~/.cache/tandem/kea3-root).
# The Debian mirror is the one this machine's apt already uses; none is written here.
set -euo pipefail
root="${TANDEM_KEA3_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/tandem/kea3-root}"
say() { printf 'kea3-root: %s\n' "$*" >&2; }

packages=kea-dhcp4-server,kea-ctrl-agent,kea-admin,postgresql-client
if [ "$(cat "$root/.tandem-complete" 2>/dev/null)" = "$packages" ] && [ -x "$root/usr/sbin/kea-dhcp4" ]; then
  echo "$root"; exit 0
fi
# Without root there is no chroot: say so and print nothing (the Kea 3 tests then say they
# were skipped).
[ "$(id -u)" = 0 ] || { say "debootstrap and chroot need root: no Kea 3 here"; exit 0; }

mirror=""
for f in /etc/apt/sources.list.d/*.sources; do
  [ -e "$f" ] || continue
  mirror=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f")
  [ -n "$mirror" ] && break
done
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list)
fi
[ -n "$mirror" ] || { say "no Debian mirror found in this machine's apt sources"; exit 1; }

if ! command -v debootstrap >/dev/null; then
  say "installing debootstrap"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

say "building the Kea 3 root in $root from Debian's unstable suite (about 6 minutes)"
rm -rf "$root.partial"
mkdir -p "$(dirname "$root")"
debootstrap --variant=minbase --include="$packages" sid "$root.partial" "$mirror" >&2
# Kea 3 keeps its lease files, sockets and pid files under these folders (its own rules).
mkdir -p "$root.partial/var/lib/kea" "$root.partial/run/kea"
chroot "$root.partial" /usr/sbin/kea-dhcp4 -V >&2
echo "$packages" > "$root.partial/.tandem-complete"
rm -rf "$root"
mv "$root.partial" "$root"
echo "$root"
