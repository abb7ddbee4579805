#!/usr/bin/env bash
# Builds the agent image offline (no registry): a Debian base made with mmdebstrap and the pinned
# node, the agent CLIs, the agent bundle (see README.md). Prints the tag (agentry-agent:<content
# hash>); a no-op when it exists.
#   docker/agent-image/build.sh [--bundle path/to/agent.mjs] [--repository name]
# SKIP_AGENT_BUILD=1 uses agent/dist/agent.mjs as it is instead of rebuilding it first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if ! command -v mmdebstrap >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's mmdebstrap (builds the image's base)" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >&2
  else
    echo "the agent image's base needs Debian's mmdebstrap: apt-get install mmdebstrap" >&2
    exit 1
  fi
fi
if [[ "${SKIP_AGENT_BUILD:-}" != "1" ]]; then
  npm run build -w @agentry/agent >&2
fi
exec npx tsx worker/src/runtime/agent-image.cli.ts "$@"
