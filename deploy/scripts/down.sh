#!/usr/bin/env bash
# Stops what `npm run up` started: the services first (they drain NATS and DB connections on SIGTERM), then
# the infrastructure. Only processes with a pidfile in .slipway/run are touched, by PID; a NATS or dockerd
# that was already running before `up` is left alone. Data in .slipway/data and Docker images stay.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Reverse start order: Caddy and dockerd last-in-first-out, NATS last so services could still publish while
# shutting down.
INFRA_STOP_ORDER=(caddy dockerd ferretdb nats)

main() {
  local started name
  started="$(now_ms)"
  bash "$(dirname "${BASH_SOURCE[0]}")/stop-services.sh"
  for name in "${INFRA_STOP_ORDER[@]}"; do
    # dockerd stops its containers on SIGTERM, which can take longer than the other daemons.
    if [[ "$name" == dockerd ]]; then stop_background "$name" 30; else stop_background "$name" 15; fi
  done
  rm -f "$SLIPWAY_RUN_DIR/caddy-bootstrap.json"
  log "down ($(elapsed_since "$started")); data kept in ${SLIPWAY_DATA_DIR#"$SLIPWAY_ROOT"/}"
}

main "$@"
