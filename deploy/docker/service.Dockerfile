# One image per Slipway service, all from this file:
#
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=gateway -t slipway/gateway .
#
# SERVICE is one of gateway, apps, builder, runtime, logs. The gateway image also carries the web portal
# (Angular's browser build), which the gateway serves at / with an SPA fallback: one origin, no CORS, no
# separate web image. See docs/deployment.md.
#
# Stages: `prod-deps` (production node_modules, identical for every service), `build` (dev dependencies,
# swc compile of the service, the portal for the gateway), and the runtime image (`service`).
# Works with BuildKit and with the classic builder (no RUN --mount, no `# syntax` line to pull).

# The official image by default; any Debian-based image with node and npm in /usr/local/bin works.
ARG NODE_IMAGE=node:22-bookworm-slim

# --- production dependencies -------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
# Builds behind a TLS-intercepting proxy: put its CA certificate(s) in deploy/docker/extra-ca/*.crt.
# They are trusted by npm during the build only, never copied into the runtime image.
COPY deploy/docker/extra-ca/ /usr/local/share/slipway-extra-ca/
RUN cat /usr/local/share/slipway-extra-ca/*.crt > /usr/local/share/slipway-extra-ca.pem 2>/dev/null || true
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/slipway-extra-ca.pem
COPY package.json package-lock.json ./
# `npm install` rather than `npm ci`: it tolerates platform-specific optional packages a registry mirror
# lacks, and keeps the lockfile's versions. No install scripts: no production dependency needs one (ssh2's
# optional native crypto falls back to JavaScript), and slim images have no compiler anyway.
RUN npm install --omit=dev --ignore-scripts --no-audit --no-fund && rm -rf "$(npm config get cache)"

# --- build ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY deploy/docker/extra-ca/ /usr/local/share/slipway-extra-ca/
RUN cat /usr/local/share/slipway-extra-ca/*.crt > /usr/local/share/slipway-extra-ca.pem 2>/dev/null || true
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/slipway-extra-ca.pem \
    NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
# Everything above is shared by the five images; SERVICE is declared only from here on.
COPY . .
ARG SERVICE
RUN case "$SERVICE" in gateway|apps|builder|runtime|logs) ;; \
      *) echo "Build with --build-arg SERVICE=<gateway|apps|builder|runtime|logs> (got '$SERVICE')" >&2; exit 1 ;; \
    esac \
 && node deploy/build/build-service.mjs "$SERVICE" \
 && mkdir -p /out \
 && cp -R "dist/services/$SERVICE/." /out/
RUN if [ "$SERVICE" = gateway ]; then \
      npx nx run web:build --outputStyle=static && cp -R dist/web/browser /out/web; \
    fi

# --- runtime -------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS service
ARG SERVICE
# The builder drives `git` (simple-git) to fetch sources; the other services need no system packages.
RUN if [ "$SERVICE" = builder ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends git ca-certificates \
      && rm -rf /var/lib/apt/lists/*; \
    fi
# Empty: the version in package.json. Set it to a release tag or commit when building for a release.
ARG SLIPWAY_VERSION=""
LABEL org.opencontainers.image.title="slipway-${SERVICE}" \
      org.opencontainers.image.description="Slipway ${SERVICE} service" \
      org.opencontainers.image.licenses="MIT"
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    SLIPWAY_SERVICE=${SERVICE} \
    SLIPWAY_VERSION=${SLIPWAY_VERSION} \
    WEB_DIST_DIR=/app/web
WORKDIR /app
# Root-owned and read-only for the service's user: the process cannot change its own code.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
COPY deploy/docker/healthcheck.cjs ./healthcheck.cjs
COPY --from=build /out/ ./
# The official image's `node` user, by number so that `runAsNonRoot`-style checks can verify it and
# images without a `node` passwd entry work too.
USER 1000:1000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["node", "/app/healthcheck.cjs"]
# Node does not handle signals as PID 1: run with an init (`init: true` in compose, `docker run --init`).
CMD ["node", "--enable-source-maps", "/app/main.js"]
