# One image for every SeatGrid process. The default CMD starts the gateway; compose and Kubernetes pass
# another command for the inventory consumer (start:inventory) and the migrations (migrate), see package.json.
# Both stages run the same pinned Node LTS release, inside the range of package.json's "engines" (checked by
# test/deploy/runtime.spec.ts against every dependency's own "engines").

FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so that a source change does not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:24.21.0-bookworm-slim
# tini runs as PID 1: it forwards SIGTERM to node (which then shuts down gracefully) and reaps zombies,
# the same way under `docker run`, compose and Kubernetes, so no `init: true` is needed anywhere.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
# A 4 MB young generation (Node's default grows to 16 MB a semi-space) keeps each app near 140-155 MB RSS after
# a herd at no measurable CPU cost (bench: gateway CPU per request unchanged, RSS -15 to -20 MB). Same flag in
# tools/start-local.mjs (npm start) and bench/system.ts.
ENV NODE_OPTIONS=--max-semi-space-size=4
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
# Owned by root and only readable by the node user: the app cannot modify its own code.
COPY --from=build /app/dist ./dist
USER node
# GATEWAY_PORT and INVENTORY_PORT defaults.
EXPOSE 3000 3001
# Slim images have no curl: node's fetch probes the gateway. The inventory overrides the port in compose;
# Kubernetes ignores HEALTHCHECK and uses its own probes.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.GATEWAY_PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/apps/gateway/apps/gateway/src/main.js"]
