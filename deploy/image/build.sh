#!/usr/bin/env bash
# Build deploy/Dockerfile from the repository root with BuildKit, on the host network:
#   deploy/image/build.sh TAG [BASE]
# BuildKit reads deploy/Dockerfile.dockerignore (the context is the sources only; the classic builder
# would send the whole checkout, .venv and any .env included) and passes the CA bundle to pip as a
# build secret, in no layer: KAM_BUILD_CA, by default this machine's /etc/ssl/certs/ca-certificates.crt
# (PyPI may be reached through a proxy only this machine's bundle trusts; KAM_BUILD_CA= to pass none).
# Docker 23+ clients build with BuildKit through buildx; older ones (Debian's 20.10) with DOCKER_BUILDKIT=1.
set -euo pipefail
cd "$(dirname "$0")/../.."

TAG="${1:?usage: deploy/image/build.sh TAG [BASE]}"
BASE="${2:-python:3.11-slim}"
CA="${KAM_BUILD_CA-/etc/ssl/certs/ca-certificates.crt}"
say() { echo "build: $*" >&2; }

# A client that builds with BuildKit: buildx if it has it, else one old enough to have BuildKit built in.
builder=()
for client in $(type -ap docker | awk '!seen[$0]++'); do
  if "$client" buildx version >/dev/null 2>&1; then builder=("$client" buildx build --load); break; fi
  major="$("$client" version --format '{{.Client.Version}}' 2>/dev/null | cut -d. -f1)"
  if [[ "$major" =~ ^[0-9]+$ ]] && [ "$major" -lt 23 ]; then builder=(env DOCKER_BUILDKIT=1 "$client" build); break; fi
done
if [ ${#builder[@]} -eq 0 ]; then
  say "no docker client here builds with BuildKit (install docker-buildx, or Debian's docker.io)"; exit 1
fi

secret=()
if [ -n "$CA" ] && [ -s "$CA" ]; then secret=(--secret "id=pip_cert,src=$CA"); fi
before="$(docker image inspect --format '{{.Id}}' "$TAG" 2>/dev/null || true)"
say "${builder[*]} BASE=$BASE -> $TAG"
"${builder[@]}" --progress=plain --network=host --build-arg "BASE=$BASE" "${secret[@]}" \
  -f deploy/Dockerfile -t "$TAG" .
# The image this build replaced under TAG, now nameless: removed, so repeated runs do not fill the disk.
after="$(docker image inspect --format '{{.Id}}' "$TAG")"
if [ -n "$before" ] && [ "$before" != "$after" ]; then docker rmi "$before" >/dev/null 2>&1 || true; fi
