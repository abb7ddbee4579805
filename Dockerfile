# syntax=docker/dockerfile:1
# The api and the worker (one image, different commands) and the client (static files behind
# nginx). For machines that reach a registry; see docker-compose.yml. Offline CI does not use it.

FROM node:22-slim AS app
WORKDIR /app
ENV CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    TURBO_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
# Code runs from TypeScript under tsx (no build step), so the full install is the runtime;
# the agent bundle is what the worker puts into agent containers.
COPY . .
RUN npm ci && npm run db:generate && npm run build -w @agentry/agent && npm cache clean --force
ENV NODE_ENV=production
USER node
EXPOSE 4000
CMD ["npm", "run", "start", "-w", "@agentry/api"]

FROM app AS client-build
USER root
# One origin: nginx passes /graphql to the api, so the client calls its own host.
RUN VITE_API_URL=/graphql npm run build -w @agentry/client

FROM nginx:1.27-alpine AS client
COPY client/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=client-build /app/client/dist /usr/share/nginx/html
EXPOSE 8080
