#!/usr/bin/env bash
# A container engine that answers: installs Debian's docker.io when missing (deploy/image/base.sh installs
# debootstrap itself, only when it makes a stand-in base), starts dockerd when it is not running, and waits for `docker info` (KAM_ENGINE_WAIT
# seconds, 60 by default). Exits 0 when the engine answers, 1 with the reason on stderr otherwise.
set -uo pipefail

WAIT="${KAM_ENGINE_WAIT:-60}"
LOG="${KAM_DOCKERD_LOG:-/var/log/kam-dockerd.log}"
say() { echo "engine: $*" >&2; }
answers() { timeout 20 docker info >/dev/null 2>&1; }

if command -v docker >/dev/null && answers; then exit 0; fi

if [ "$(id -u)" != 0 ]; then
  say "the engine does not answer \`docker info\`, and only root may install or start it here"; exit 1
fi
if ! command -v docker >/dev/null || ! command -v dockerd >/dev/null; then
  say "installing docker.io with apt"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io; } >&2; then
    say "apt-get could not install docker.io"; exit 1
  fi
fi
if ! pgrep -x dockerd >/dev/null; then
  say "starting dockerd (log: $LOG)"
  setsid dockerd >"$LOG" 2>&1 </dev/null &
fi
for _ in $(seq 1 "$WAIT"); do
  answers && { say "the engine answers"; exit 0; }
  sleep 1
done
say "no answer from \`docker info\` after ${WAIT} s; the end of $LOG:"
tail -n 20 "$LOG" >&2 2>/dev/null
exit 1
