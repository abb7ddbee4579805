#!/usr/bin/env bash
# Builds the agent image offline (no registry): the host's node binary and its shared libraries,
# plus the agent bundle. Prints the tag (agentry-agent:<content hash>); a no-op when it exists.
#   docker/agent-image/build.sh [--bundle path/to/agent.mjs] [--repository name]
# SKIP_AGENT_BUILD=1 uses agent/dist/agent.mjs as it is instead of rebuilding it first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [[ "${SKIP_AGENT_BUILD:-}" != "1" ]]; then
  npm run build -w @agentry/agent >&2
fi
exec npx tsx worker/src/runtime/agent-image.cli.ts "$@"
