# syntax=docker/dockerfile:1
# extauth-sandbox images: `idp` and `panel` targets (docker-compose.yml builds both; README, "Run with Docker").
#
# One Dockerfile with two targets rather than one per app: both apps come from one pnpm workspace
# and one lockfile, so a single build stage installs and compiles once (better-sqlite3 included)
# and each target then takes only its own production tree from it (`pnpm deploy --prod`).
#
# The base image is a build argument so that CI can build on a locally assembled Node 22 base
# where no registry for images is reachable (scripts/ci-containers.sh); everyone else gets the
# official image.
ARG NODE_IMAGE=node:22-slim

# ---------------------------------------------------------------------------------------------
# The workspace's manifests alone (every package.json, the lockfile, the workspace file), so the
# dependency layer below is reused while only sources change, whatever packages the workspace has.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /context
COPY . .
RUN mkdir /manifests \
 && find . -name node_modules -prune -o -type f \( -name package.json -o -name pnpm-lock.yaml -o -name pnpm-workspace.yaml \) -print \
    | tar -cf - -T - | tar -xf - -C /manifests

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION=10.34.9
# Behind a TLS-intercepting proxy, pass its CA bundle for the build steps only: mount the file
# (e.g. `buildah bud -v /etc/ssl/certs/ca-certificates.crt:/run/extra-ca.crt:ro`) and set this to
# its path. Nothing is copied into any image; empty (the default) changes nothing.
ARG NODE_EXTRA_CA_CERTS=
# better-sqlite3 compiles here when no prebuilt binary can be downloaded (node-gyp: python3, make, g++).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
RUN npm install -g "pnpm@${PNPM_VERSION}" \
 && pnpm --version
WORKDIR /src
COPY --from=manifests /manifests/ ./
# The repository's .npmrc (not sent: .dockerignore) points node-gyp at Debian's /usr headers; in
# the image the headers are the ones of the Node that runs (official images: /usr/local/include/node).
RUN echo "nodedir=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")" > .npmrc \
 && cat .npmrc \
 && pnpm install --frozen-lockfile
COPY . .
RUN pnpm exec tsc -b apps/idp apps/panel
# Self-contained production trees: each app, its workspace packages, its production dependencies.
RUN pnpm --filter @extauth/idp deploy --prod --legacy /out/idp \
 && pnpm --filter @extauth/panel deploy --prod --legacy /out/panel \
 && rm -rf /out/idp/src /out/panel/src /out/idp/tsconfig.json /out/panel/tsconfig.json
COPY scripts/healthcheck.mjs /out/healthcheck.mjs

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    SANDBOX_DATA_DIR=/data
# A dedicated unprivileged user; the data folder (a named volume in compose) belongs to it, the
# code does not (read-only to the app). Nothing secret is in the image: the CA, the licence
# credentials, the root password and all keys are created at first start in /data.
RUN groupadd --gid 10001 sandbox \
 && useradd --uid 10001 --gid sandbox --home-dir /data --no-create-home --shell /usr/sbin/nologin sandbox \
 && mkdir -p /data \
 && chown sandbox:sandbox /data \
 && chmod 0700 /data
WORKDIR /app
COPY --from=build /out/healthcheck.mjs /app/healthcheck.mjs

# ---------------------------------------------------------------------------------------------
FROM runtime AS idp
COPY --from=build /out/idp /app/idp
ENV IDP_LISTEN_HOST=0.0.0.0 \
    IDP_PORT=8443
EXPOSE 8443
USER sandbox
HEALTHCHECK --interval=5s --timeout=5s --start-period=10s --retries=12 CMD ["node", "/app/healthcheck.mjs", "idp"]
CMD ["node", "/app/idp/dist/main.js"]

# ---------------------------------------------------------------------------------------------
FROM runtime AS panel
COPY --from=build /out/panel /app/panel
ENV PANEL_LISTEN_HOST=0.0.0.0 \
    PANEL_PORT=2087
EXPOSE 2087
USER sandbox
HEALTHCHECK --interval=5s --timeout=5s --start-period=10s --retries=12 CMD ["node", "/app/healthcheck.mjs", "panel"]
CMD ["node", "/app/panel/dist/main.js"]
