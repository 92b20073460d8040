#!/usr/bin/env bash
# `npm run up`: everything needed to use Slipway locally, from a fresh Debian 12 machine or a running stack.
# Each step skips what is already done, so running it twice leaves one copy of everything.
#   1. install missing dependencies        (install-deps.sh)
#   2. start NATS, FerretDB, Docker, Caddy (start-infra.sh)
#   3. build the local base images         (build-base-images.sh)
#   4. build the web portal if its sources changed
#   5. start the five services             (start-services.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SCRIPTS_DIR="${SLIPWAY_ROOT}/deploy/scripts"

print_summary() {
  local started="$1"
  cat >&2 <<EOF

  Slipway is up ($(elapsed_since "$started")).

    Portal        http://localhost:${GATEWAY_HTTP_PORT}/
    API           http://localhost:${GATEWAY_HTTP_PORT}/api/v1
    API docs      http://localhost:${GATEWAY_HTTP_PORT}/api/docs
    Your apps     http://<app>.localhost:${CADDY_HTTP_PORT}

    Logs          .slipway/logs/
    Stop          npm run down

EOF
}

main() {
  local started
  started="$(now_ms)"
  bash "$SCRIPTS_DIR/install-deps.sh"
  bash "$SCRIPTS_DIR/start-infra.sh"
  bash "$SCRIPTS_DIR/build-base-images.sh"
  build_web_if_stale
  bash "$SCRIPTS_DIR/start-services.sh"
  print_summary "$started"
}

main "$@"
