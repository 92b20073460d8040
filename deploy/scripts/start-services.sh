#!/usr/bin/env bash
# Starts the five NestJS services as background processes straight from TypeScript (@swc-node/register
# compiles on the fly, so there is no build step), then waits until each answers GET /health/ready with 200.
#
# Expects the infrastructure from start-infra.sh. Logs: .slipway/logs/<service>.log; PIDs: .slipway/run.
# Every variable below can be overridden from the environment.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

READY_TIMEOUT_S="${READY_TIMEOUT_S:-90}"

# The environment contract shared by all services (see each service's config validation).
# The key that seals secrets (access tokens, env var values) at rest: made once, kept in .slipway/.
ensure_secrets_key() {
  local file="${SLIPWAY_DATA_DIR}/secrets.env"
  if [[ -z "${SECRETS_KEYS:-}" ]]; then
    if [[ ! -f "$file" ]]; then
      (umask 077 && printf 'SECRETS_KEYS=local1:%s\n' "$(head -c 32 /dev/urandom | base64)" >"$file")
      log "secrets: generated a local sealing key in ${file#"$SLIPWAY_ROOT"/}"
    fi
    # shellcheck disable=SC1090 # generated above
    source "$file"
  fi
  export SECRETS_KEYS
}

# The key the gateway signs access tokens with: made once and kept in the same file, so restarts keep
# everyone signed in. Installs from before it existed get it appended.
ensure_auth_jwt_secret() {
  local file="${SLIPWAY_DATA_DIR}/secrets.env"
  if [[ -z "${AUTH_JWT_SECRET:-}" ]]; then
    if ! grep -q '^AUTH_JWT_SECRET=' "$file" 2>/dev/null; then
      (umask 077 && printf 'AUTH_JWT_SECRET=%s\n' "$(head -c 48 /dev/urandom | base64 | tr -d '\n')" >>"$file")
      log "auth: generated the access-token signing key in ${file#"$SLIPWAY_ROOT"/}"
    fi
    # shellcheck disable=SC1090 # generated above
    source "$file"
  fi
  export AUTH_JWT_SECRET
}

export_common_environment() {
  ensure_secrets_key
  ensure_auth_jwt_secret
  export NATS_URL="${NATS_URL:-nats://127.0.0.1:${NATS_PORT}}"
  # No database name: each service appends its own (slipway_<service>).
  export MONGO_URL="${MONGO_URL:-mongodb://127.0.0.1:${FERRETDB_PORT}}"
  export LOG_LEVEL="${LOG_LEVEL:-info}"
  export HEARTBEAT_INTERVAL_MS="${HEARTBEAT_INTERVAL_MS:-5000}"
  export DOCKER_SOCKET
  export CADDY_ADMIN_URL="${CADDY_ADMIN_URL:-http://127.0.0.1:${CADDY_ADMIN_PORT}}"
  export CADDY_HTTP_PORT
  # @swc-node/register reads the tsconfig named here; tsconfig.base.json holds the @slipway/* path aliases.
  export SWC_NODE_PROJECT="${SWC_NODE_PROJECT:-${SLIPWAY_ROOT}/tsconfig.base.json}"
  # Without a collector, OTLP exporters make every shutdown wait ~10 s on export timeouts. Export telemetry
  # only when the user points us at a collector.
  if [[ -z "${OTEL_EXPORTER_OTLP_ENDPOINT:-}" ]]; then
    export OTEL_METRICS_EXPORTER="${OTEL_METRICS_EXPORTER:-none}"
    export OTEL_LOGS_EXPORTER="${OTEL_LOGS_EXPORTER:-none}"
    export OTEL_TRACES_EXPORTER="${OTEL_TRACES_EXPORTER:-none}"
  fi
}

# Prints the variables that only one service reads, as NAME=value words for `env`.
service_specific_environment() {
  case "$1" in
  gateway)
    printf '%s\n' "WEB_DIST_DIR=${WEB_DIST_DIR:-${SLIPWAY_ROOT}/dist/web/browser}" "CORS_ORIGINS=${CORS_ORIGINS:-}"
    ;;
  builder)
    # The local stack builds on the images build-base-images.sh made (no registry here), and trusts the
    # host's CA bundle so installs inside builds work behind a TLS-intercepting proxy.
    printf '%s\n' \
      "BASE_IMAGE_NODE=${BASE_IMAGE_NODE:-slipway-local/node:20-bookworm}" \
      "BASE_IMAGE_PYTHON=${BASE_IMAGE_PYTHON:-slipway-local/python:3.11-bookworm}" \
      "BASE_IMAGE_STATIC=${BASE_IMAGE_STATIC:-slipway-local/static:bookworm}" \
      "EXTRA_CA_BUNDLE=${EXTRA_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}" \
      "BUILD_WORK_DIR=${BUILD_WORK_DIR:-${SLIPWAY_DATA_DIR}/builds}"
    ;;
  esac
}

service_ready_url() { printf 'http://127.0.0.1:%s/health/ready' "$(service_http_port "$1")"; }
service_ready() { http_ok "$(service_ready_url "$1")"; }

# Names of the services this run started (or found booting), the ones to wait for.
WAIT_FOR=()

# Starts one service unless it already answers; never starts a second copy of one that is still booting.
start_service() {
  local name="$1" entry="services/$1/src/main.ts" extra_env=()
  if service_ready "$name"; then
    if is_running "$name"; then
      log "$name: already running on :$(service_http_port "$name")"
    else
      log "$name: something not started by Slipway answers on :$(service_http_port "$name"); leaving it alone"
    fi
    return
  fi
  WAIT_FOR+=("$name")
  if is_running "$name"; then
    log "$name: already started, waiting for it to become ready"
    return
  fi
  [[ -f "$SLIPWAY_ROOT/$entry" ]] || die "$name: $entry does not exist"
  mapfile -t extra_env < <(service_specific_environment "$name")
  start_background "$name" env HTTP_PORT="$(service_http_port "$name")" "${extra_env[@]}" \
    node --enable-source-maps -r @swc-node/register "$entry"
}

wait_until_ready() {
  local name="$1" started="$2"
  wait_for_started "$name" "$READY_TIMEOUT_S" "$name to answer $(service_ready_url "$name")" service_ready "$name"
  log "$name: ready on :$(service_http_port "$name") ($(elapsed_since "$started") after start)"
}

main() {
  local started name
  started="$(now_ms)"
  [[ -d "$SLIPWAY_ROOT/node_modules" ]] || die "node_modules is missing. Run: bash deploy/scripts/install-deps.sh"
  ensure_state_dirs
  require_command node
  require_command curl
  export_common_environment
  # Relative entry points and the services' own relative paths resolve from the repository root.
  cd "$SLIPWAY_ROOT"
  # Start all first, then wait: the services boot in parallel and find each other over NATS.
  for name in "${SERVICE_NAMES[@]}"; do start_service "$name"; done
  for name in "${WAIT_FOR[@]}"; do wait_until_ready "$name" "$started"; done
  log "services ready ($(elapsed_since "$started"))"
}

main "$@"
