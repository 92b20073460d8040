#!/usr/bin/env bash
# Builds the local base images Slipway's builder puts apps on, only if they are missing.
#
# Why: no container registry is reachable from these machines, so official images (node:20, python:3.11 ...)
# cannot be pulled. These images are made from Debian bookworm with debootstrap and `docker import`, and are
# named for what is really inside them (slipway-local/...), so nobody mistakes them for the official images.
# Production setups keep pulling official images; which base image the builder uses stays configurable.
#
# The host's CA bundle is copied into every image: outbound TLS here goes through an intercepting proxy, and
# builds (npm install, pip install) fail with certificate errors without it.
#
# Usage: build-base-images.sh [--force]   (--force rebuilds images that exist; the debootstrap cache is reused)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEBIAN_SUITE="${DEBIAN_SUITE:-bookworm}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
HOST_CA_BUNDLE="${HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
IMAGE_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

# Each image is a debootstrapped rootfs (cached in .slipway/rootfs/<rootfs>, never modified, so images can
# share one) plus an overlay of the image's own files (.slipway/rootfs/overlay-<name>), merged in a staging
# copy (.slipway/rootfs/staging-<name>) and imported; overlay and staging are deleted afterwards.
#
# To add an image: add a line "name|image reference|rootfs cache name|extra Debian packages (comma-separated)"
# and define customize_<name> (adds files to the overlay directory it is given), config_<name> (prints
# Dockerfile-style lines for `docker import -c`) and verify_<name> (runs the finished image).
BASE_IMAGES=(
  "node|slipway-local/node:20-bookworm|minbase|"
  "python|slipway-local/python:3.11-bookworm|python|python3,python3-pip,python3-venv,python-is-python3"
  "static|slipway-local/static:bookworm|minbase|"
)

# --- node: Debian minbase + the host's Node.js binary, npm and corepack ------------------------------------------
# Laid out like the official image (/usr/local/bin/node, /usr/local/lib/node_modules/npm) so npm's global
# prefix is /usr/local. The node binary's shared libraries (libstdc++, libc) are all part of minbase.
host_node_modules_dir() {
  local dir
  dir="$(npm root -g 2>/dev/null)" || true
  [[ -d "$dir/npm" ]] || dir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/lib/node_modules"
  printf '%s' "$dir"
}

customize_node() {
  local overlay="$1" modules tool
  modules="$(host_node_modules_dir)"
  [[ -d "$modules/npm" ]] || die "cannot find the host's npm installation (looked in $modules)"
  install -D -m 0755 "$(readlink -f "$(command -v node)")" "$overlay/usr/local/bin/node"
  mkdir -p "$overlay/usr/local/lib/node_modules"
  for tool in npm corepack; do
    if [[ -d "$modules/$tool" ]]; then cp -a "$modules/$tool" "$overlay/usr/local/lib/node_modules/$tool"; fi
  done
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$overlay/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$overlay/usr/local/bin/npx"
  if [[ -d "$overlay/usr/local/lib/node_modules/corepack" ]]; then
    ln -s ../lib/node_modules/corepack/dist/corepack.js "$overlay/usr/local/bin/corepack"
  fi
}

config_node() {
  printf '%s\n' \
    "LABEL io.slipway.node-version=$(node --version) io.slipway.npm-version=$(npm --version 2>/dev/null || echo none)" \
    "ENV NODE_EXTRA_CA_CERTS=${IMAGE_CA_BUNDLE}" \
    'CMD ["node"]'
}

verify_node() {
  docker run --rm "$1" node -e 'console.log(1)' | grep -qx 1
  docker run --rm "$1" npm --version >/dev/null
}

# --- python: Debian's Python 3.11 with pip and venv ---------------------------------------------------------------
customize_python() { :; }

config_python() {
  # Debian marks its Python "externally managed", so a plain `pip install` refuses to run; in a container that
  # exists for one app that protection only gets in the way (the official python image does not have it).
  printf '%s\n' \
    'ENV PIP_BREAK_SYSTEM_PACKAGES=1' \
    "ENV PIP_CERT=${IMAGE_CA_BUNDLE} REQUESTS_CA_BUNDLE=${IMAGE_CA_BUNDLE}" \
    'CMD ["python3"]'
}

verify_python() {
  docker run --rm "$1" python -c 'import ssl, venv; print(1)' | grep -qx 1
  docker run --rm "$1" pip --version >/dev/null
}

# --- static: Debian minbase + the host's Caddy, serving /srv on $PORT (default 8080) ------------------------------
customize_static() {
  local overlay="$1"
  install -D -m 0755 "$(readlink -f "$(command -v caddy)")" "$overlay/usr/local/bin/caddy"
  # Caddy takes Content-Type from /etc/mime.types when present (Go's built-in table lacks e.g. .woff2, .ico);
  # copying the host's file spares this image a debootstrap run of its own.
  if [[ -f /etc/mime.types ]]; then
    install -D -m 0644 /etc/mime.types "$overlay/etc/mime.types"
  else
    warn "static: the host has no /etc/mime.types (Debian package media-types); Caddy falls back to Go's table"
  fi
  mkdir -p "$overlay/srv" "$overlay/etc/caddy"
  cat >"$overlay/etc/caddy/Caddyfile" <<'CADDYFILE'
# Serves the files in /srv. Set PORT to change the port (default 8080).
{
	admin off
}

:{$PORT:8080} {
	root * /srv
	encode gzip
	file_server
}
CADDYFILE
}

config_static() {
  # XDG_*: where Caddy keeps its state, as in the official image.
  printf '%s\n' \
    "LABEL io.slipway.caddy-version=$(caddy version | awk '{ print $1 }')" \
    'ENV XDG_CONFIG_HOME=/config XDG_DATA_HOME=/data' \
    'WORKDIR /srv' \
    'EXPOSE 8080' \
    'CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]'
}

verify_static() {
  docker run --rm "$1" caddy validate --config /etc/caddy/Caddyfile --adapter caddyfile >/dev/null 2>&1
}

# --- the build ------------------------------------------------------------------------------------------------------

# debootstrap once per rootfs cache name into .slipway/rootfs/<rootfs>. The marker file records what was
# asked for, so an interrupted run or a changed package list is redone rather than imported as it is.
ensure_rootfs() {
  local rootfs_name="$1" packages="$2" rootfs="$SLIPWAY_ROOTFS_DIR/$1" wanted started logfile
  wanted="${DEBIAN_SUITE} minbase ${packages}"
  if [[ -f "$rootfs.complete" && "$(cat "$rootfs.complete")" == "$wanted" ]]; then
    log "rootfs $rootfs_name: cached in ${rootfs#"$SLIPWAY_ROOT"/}"
    return
  fi
  rm -rf "$rootfs" "$rootfs.complete"
  started="$(now_ms)"
  logfile="$SLIPWAY_LOG_DIR/debootstrap-$rootfs_name.log"
  log "rootfs $rootfs_name: debootstrap --variant=minbase ${DEBIAN_SUITE}${packages:+ --include=$packages} (a minute or so)"
  debootstrap --variant=minbase ${packages:+"--include=$packages"} "$DEBIAN_SUITE" "$rootfs" "$DEBIAN_MIRROR" \
    >"$logfile" 2>&1 || {
    tail -n 30 "$logfile" >&2
    die "rootfs $rootfs_name: debootstrap failed (log: $logfile)"
  }
  printf '%s\n' "$wanted" >"$rootfs.complete"
  log "rootfs $rootfs_name: debootstrap took $(elapsed_since "$started") ($(du -sh "$rootfs" | cut -f1))"
}

# A fresh, empty overlay directory for the image's own files.
fresh_overlay() {
  local overlay="$SLIPWAY_ROOTFS_DIR/overlay-$1"
  rm -rf "$overlay"
  mkdir -p "$overlay"
  printf '%s' "$overlay"
}

# Merges rootfs and overlay into .slipway/rootfs/staging-<name>: `docker import` refuses a tar stream with a
# path twice, so the two cannot simply be concatenated. The rootfs is copied as hard links (instant, no
# extra disk) and the overlay copied over with --remove-destination, which unlinks a file before replacing
# it, so the cached rootfs is never written through a shared link.
stage_rootfs() {
  local name="$1" rootfs="$2" overlay="$3" staging="$SLIPWAY_ROOTFS_DIR/staging-$1"
  rm -rf "$staging"
  cp -al "$rootfs" "$staging"
  cp -a --remove-destination "$overlay/." "$staging/"
  chmod 0755 "$staging" # the overlay directory's own mode came along with "/."
  printf '%s' "$staging"
}

add_ca_bundle() {
  [[ -f "$HOST_CA_BUNDLE" ]] || die "no CA bundle at $HOST_CA_BUNDLE (set HOST_CA_BUNDLE)"
  install -D -m 0644 "$HOST_CA_BUNDLE" "$1$IMAGE_CA_BUNDLE"
}

# Prints the `docker import -c` arguments every image gets, followed by the image's own.
import_changes() {
  local name="$1" line
  {
    printf '%s\n' \
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      'ENV LANG=C.UTF-8' \
      "ENV SSL_CERT_FILE=${IMAGE_CA_BUNDLE}" \
      'LABEL io.slipway.managed-by=slipway io.slipway.base-image=true' \
      "LABEL io.slipway.base-image.source=\"debootstrap --variant=minbase ${DEBIAN_SUITE}\""
    "config_$name"
  } | while IFS= read -r line; do printf -- '-c\n%s\n' "$line"; done
}

import_image() {
  local name="$1" image="$2" staging="$3" changes=()
  mapfile -t changes < <(import_changes "$name")
  # Left out: the .debs debootstrap downloaded and its package lists (run `apt-get update` first, as with any
  # official Debian-based image).
  tar --numeric-owner --exclude='./var/cache/apt/archives/*.deb' --exclude='./var/lib/apt/lists/*' \
    -c -C "$staging" . |
    docker import "${changes[@]}" --message "Slipway local base image ($name)" - "$image" >/dev/null
}

build_image() {
  local name="$1" image="$2" rootfs_name="$3" packages="$4" started step overlay staging
  started="$(now_ms)"
  ensure_rootfs "$rootfs_name" "$packages"
  step="$(now_ms)"
  overlay="$(fresh_overlay "$name")"
  add_ca_bundle "$overlay"
  "customize_$name" "$overlay"
  staging="$(stage_rootfs "$name" "$SLIPWAY_ROOTFS_DIR/$rootfs_name" "$overlay")"
  import_image "$name" "$image" "$staging"
  rm -rf "$staging" "$overlay" # both are rebuilt from scratch next time; only the debootstrap cache is kept
  log "$name: overlay + docker import took $(elapsed_since "$step")"
  step="$(now_ms)"
  "verify_$name" "$image" || die "$name: $image was built but does not work (verify_$name failed)"
  log "$name: verified in $(elapsed_since "$step")"
  log "$name: built $image ($(docker image inspect --format '{{.Size}}' "$image" | numfmt --to=iec) in $(elapsed_since "$started"))"
}

main() {
  local force=false entry name image rootfs_name packages started
  [[ "${1:-}" == "--force" ]] && force=true
  started="$(now_ms)"
  ensure_state_dirs
  require_command docker
  require_command debootstrap
  docker_answers || die "Docker Engine is not answering on $DOCKER_SOCKET. Run: bash deploy/scripts/start-infra.sh docker"
  ((EUID == 0)) || die "debootstrap needs root"
  for entry in "${BASE_IMAGES[@]}"; do
    IFS='|' read -r name image rootfs_name packages <<<"$entry"
    if ! $force && docker image inspect "$image" >/dev/null 2>&1; then
      log "$name: $image exists"
      continue
    fi
    build_image "$name" "$image" "$rootfs_name" "$packages"
  done
  log "base images ready ($(elapsed_since "$started"))"
}

main "$@"
