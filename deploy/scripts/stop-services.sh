#!/usr/bin/env bash
# Stops the services start-services.sh started (by the PIDs in .slipway/run), all at once: each gets SIGTERM,
# up to 15 s to shut down gracefully, then SIGKILL. Services it did not start are left alone.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  local name pids=() status=0
  # In parallel: a graceful shutdown mostly waits (on connections to drain), so five in a row is 5x slower.
  for name in "${SERVICE_NAMES[@]}"; do
    stop_background "$name" 15 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
  return "$status"
}

main "$@"
