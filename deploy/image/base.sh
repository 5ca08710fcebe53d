#!/usr/bin/env bash
# The base image of deploy/Dockerfile (build-arg BASE), printed on stdout for `docker build --build-arg`.
#   deploy/image/base.sh                  # python:3.11-slim if present or pullable, else kam-base:bookworm
# Without a reachable registry, the stand-in kam-base:bookworm is made from Debian packages: a minimal
# bookworm root (debootstrap --variant=minbase) with python3 (3.11), python3-venv and ca-certificates,
# fetched from the mirror of this machine's apt sources, then `docker import`ed. Made once: an existing
# image is reused (`docker rmi kam-base:bookworm` to make it again). Messages go to stderr.
set -euo pipefail

WANTED="${KAM_BASE:-python:3.11-slim}"
STANDIN="${KAM_STANDIN_BASE:-kam-base:bookworm}"
SUITE=bookworm
DOCKER="${DOCKER:-docker}"
say() { echo "base: $*" >&2; }

have() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

if have "$WANTED"; then echo "$WANTED"; exit 0; fi
# A registry that does not resolve fails at once; one that hangs is given a minute.
if [ "${KAM_BASE_PULL:-1}" = 1 ] && timeout 60 "$DOCKER" pull --quiet "$WANTED" >/dev/null 2>&1; then
  say "pulled $WANTED"; echo "$WANTED"; exit 0
fi
if have "$STANDIN"; then
  say "$WANTED is not available; using the stand-in $STANDIN (already made)"
  echo "$STANDIN"; exit 0
fi

say "$WANTED is not available; making the stand-in $STANDIN with debootstrap"
if [ "$(id -u)" != 0 ]; then say "debootstrap needs root"; exit 1; fi
if ! command -v debootstrap >/dev/null; then
  say "installing debootstrap"
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
fi

# The Debian mirror this machine's apt uses for $SUITE (deb822 .sources first, then one-line lists).
mirror() {
  local file
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    awk -v suite="$SUITE" '
      function flush() { if (uris != "" && (" " suites " ") ~ (" " suite " ")) { split(uris, u, " "); print u[1]; found = 1; exit } uris = suites = "" }
      /^[ \t]*$/ { flush(); next }
      /^URIs:/   { sub(/^URIs:[ \t]*/, ""); uris = $0 }
      /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
      END { if (!found) flush() }' "$file"
  done
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk -v suite="$SUITE" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) while ($i !~ /\]$/) i++; if ($2 ~ /^\[/) i++; if ($(i + 1) == suite) print $i }'
  return 0
}
MIRROR="${KAM_DEBIAN_MIRROR:-$(mirror | head -n 1 || true)}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
say "mirror $MIRROR"

ROOTFS="$(mktemp -d /tmp/kam-base.XXXXXX)"
trap 'rm -rf "$ROOTFS"' EXIT
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
  "$SUITE" "$ROOTFS" "$MIRROR" >&2
# Smaller, and nothing of this machine's inside: no package lists or downloaded .debs.
# Like Debian's slim images: no manuals, no documentation but the copyright files, no translations.
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/log/* "$ROOTFS"/tmp/* \
  "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* "$ROOTFS"/usr/share/locale/*
find "$ROOTFS"/usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete
find "$ROOTFS"/usr/share/doc -mindepth 1 -type d -empty -delete
printf 'deb %s %s main\n' "$MIRROR" "$SUITE" > "$ROOTFS/etc/apt/sources.list"
tar --numeric-owner -C "$ROOTFS" -c . | "$DOCKER" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["python3"]' \
  --message "debootstrap --variant=minbase $SUITE + python3 python3-venv ca-certificates from $MIRROR" \
  - "$STANDIN" >&2
say "made $STANDIN"
echo "$STANDIN"
