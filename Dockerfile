# syntax=docker/dockerfile:1
# The api and the worker (one image, different commands), the agent image, and the client
# (static files behind nginx). For machines that reach a registry; see docker-compose.yml.
# Offline CI does not use it.

FROM node:22-slim AS app
WORKDIR /app
ENV CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    TURBO_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
# The api and the worker run from their production builds, `api/dist/main.mjs` and
# `worker/dist/main.mjs` (esbuild bundles of their TypeScript sources; the packages they import
# load from node_modules); the agent bundle is what the worker puts into agent containers.
COPY . .
RUN npm ci && npm run db:generate \
 && npm run build -w @agentry/agent -w @agentry/api -w @agentry/worker \
 && npm cache clean --force
# Memory at idle (see README, Decisions; `npm start` gives the api and the worker the same):
# glibc's allocator keeps two arenas and hands freed memory back; V8's young generation stops
# growing at 4 MB per semi-space.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=4 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    MALLOC_TRIM_THRESHOLD_=131072
USER node
EXPOSE 4000
CMD ["node", "api/dist/main.mjs"]

# The agent image: one container per agent runs it (see docker/agent-image/README.md). The same
# layout as the image the worker builds offline (worker/src/runtime/agent-image.ts); compose
# builds it and hands its tag to the worker as AGENT_IMAGE. Alone:
#   docker build --target agent -t agentry-agent:local .
FROM node:22-slim AS agent
# git: coding agents clone and commit; ca-certificates: TLS for git and the CLIs' native
# binaries; procps and ripgrep: tools agents' shell commands reach for. The agent user's shell is
# bash: the CLIs run commands through it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates git procps ripgrep \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 agent \
 && useradd --uid 10001 --gid 10001 --home-dir /home/agent --no-create-home --shell /bin/bash agent \
 && mkdir -p /opt/agentry/clis /workspace /home/agent \
 && chown 10001:10001 /workspace /home/agent \
 && chmod 0700 /home/agent
# The pinned CLIs as agent/clis/ensure.mjs installs them: the lock's exact versions, install
# scripts run only for the packages package.json's allowScripts approves (whatever this npm's
# own policy), then Copilot's package unpacked once (its runs use COPILOT_CACHE_HOME).
WORKDIR /opt/agentry/clis
COPY agent/clis/package.json agent/clis/package-lock.json ./
RUN npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
 && npm rebuild $(node -p "Object.keys(require('./package.json').allowScripts).join(' ')") \
 && mkdir /tmp/copilot-home \
 && HOME=/tmp/copilot-home COPILOT_CACHE_HOME=/opt/agentry/clis/copilot-cache node_modules/.bin/copilot --version \
 && rm -rf /tmp/copilot-home /root/.npm
# Last, so a change to the agent rebuilds only this small layer. The worker starts each agent's
# container with the resident host as its main process (worker/src/runtime/docker-container.ts).
COPY --from=app /app/agent/dist/agent.mjs /app/agent/dist/agent-host.mjs /opt/agentry/
ENV HOME=/home/agent AGENT_WORKSPACE=/workspace SHELL=/bin/bash LANG=C.UTF-8
WORKDIR /workspace
USER 10001:10001
CMD ["node", "/opt/agentry/agent-host.mjs", "--stdio", "--container", "--agent", "/opt/agentry/agent.mjs"]

FROM app AS client-build
USER root
# One origin: nginx passes /graphql to the api, so the client calls its own host.
RUN VITE_API_URL=/graphql npm run build -w @agentry/client

FROM nginx:1.27-alpine AS client
COPY client/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=client-build /app/client/dist /usr/share/nginx/html
EXPOSE 8080
