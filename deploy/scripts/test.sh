#!/usr/bin/env bash
# `npm test`: unit, integration and browser tests, on a machine where nothing is running yet (as in CI).
#
# Integration tests start their own NATS, FerretDB and Caddy on free ports (libs/testing), so they never
# collide with a running `npm run up`. What they share with it is the Docker Engine: if none answers, this
# script starts dockerd and stops it again afterwards (a dockerd that was already running is left alone).
#
# Usage: test.sh [unit|integration|browser ...]   (default: all three, in that order)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SCRIPTS_DIR="${SLIPWAY_ROOT}/deploy/scripts"

STARTED_DOCKERD=false

stop_what_we_started() {
  if $STARTED_DOCKERD; then stop_background dockerd 30; fi
}

ensure_docker() {
  docker_answers && return
  bash "$SCRIPTS_DIR/start-infra.sh" docker
  STARTED_DOCKERD=true
}

run_jest_project() {
  local project="$1" started
  started="$(now_ms)"
  log "tests: $project"
  case "$project" in
  unit) (cd "$SLIPWAY_ROOT" && npx jest --selectProjects unit) ;;
  # In band: these start real servers and containers; parallel workers would only fight over 2 cores.
  integration | browser) (cd "$SLIPWAY_ROOT" && npx jest --selectProjects "$project" --runInBand) ;;
  *) die "unknown test project '$project' (expected: unit integration browser)" ;;
  esac
  log "tests: $project passed in $(elapsed_since "$started")"
}

main() {
  local projects=("$@") project started
  ((${#projects[@]} > 0)) || projects=(unit integration browser)
  started="$(now_ms)"
  export NODE_ENV=test
  bash "$SCRIPTS_DIR/install-deps.sh"
  trap stop_what_we_started EXIT
  for project in "${projects[@]}"; do
    if [[ "$project" != unit ]]; then
      ensure_docker
      bash "$SCRIPTS_DIR/build-base-images.sh"
    fi
    [[ "$project" == browser ]] && build_web_if_stale
    run_jest_project "$project"
  done
  log "all tests passed ($(elapsed_since "$started"))"
}

main "$@"
