# syntax=docker/dockerfile:1
# One image for the api, the projector and the CLI (docker-compose.yml picks the entry point per service).
# Stages: deps (every dependency, for the build) -> build (dist/) -> prod-deps (production dependencies only)
# -> runtime (dist/ + production node_modules, non-root).

ARG NODE_IMAGE=node:20.20-bookworm-slim
# The npm the lock file is written with (npm 11; the Node 20 image ships npm 10).
ARG NPM_VERSION=11.19.1

FROM ${NODE_IMAGE} AS npm
ARG NPM_VERSION
RUN npm install --global --no-audit --no-fund "npm@${NPM_VERSION}"
WORKDIR /app
COPY package.json package-lock.json ./

FROM npm AS deps
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npm run build

FROM npm AS prod-deps
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# graphql-js skips its development-mode checks only under NODE_ENV=production (README "Configuration").
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/app/data
WORKDIR /app
# Code and dependencies belong to root and are read-only for the service; only DATA_DIR is the service's.
COPY package.json package-lock.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data && chmod 0700 /app/data
USER node
EXPOSE 4000
# The API's /health: 200 while the event store and the database answer, 503 when either is down. The compose
# file gives the projector its own check and turns this one off for the one-shot migrate.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/apps/api/src/main.js"]
