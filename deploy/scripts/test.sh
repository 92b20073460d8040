#!/usr/bin/env bash
# `npm test`: unit, integration and browser tests, on a machine where nothing is running yet (as in CI).
#
# Integration tests start their own NATS, FerretDB and Caddy on free ports (libs/testing), so they never
# collide with a running `npm run up`. What they share with it is the Docker Engine: if none answers, this
# script starts dockerd and stops it again afterwards (a dockerd that was already running is left alone).
#
# Usage: test.sh [static|unit|integration|browser ...]   (default: all four, in that order)
#   static       lint (Nx module boundaries included) and the TypeScript type check
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SCRIPTS_DIR="${SLIPWAY_ROOT}/deploy/scripts"

STARTED_DOCKERD=false

# Containers a test run created carry this label; whatever a failed test left behind goes here.
remove_test_containers() {
  docker_answers || return 0
  local leftovers
  leftovers="$(docker ps -aq --filter label=io.slipway.test=true)"
  if [[ -n "$leftovers" ]]; then
    log "removing $(wc -w <<<"$leftovers") container(s) left by tests"
    # shellcheck disable=SC2086 # one id per word
    docker rm -f $leftovers >/dev/null
  fi
}

stop_what_we_started() {
  remove_test_containers
  if $STARTED_DOCKERD; then stop_background dockerd 30; fi
}

run_static_checks() {
  local started
  started="$(now_ms)"
  log "checks: lint"
  (cd "$SLIPWAY_ROOT" && NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false npx nx run-many -t lint --outputStyle=static --skip-nx-cache)
  log "checks: types"
  (cd "$SLIPWAY_ROOT" && npx tsc -p tsconfig.json --noEmit)
  log "checks: passed in $(elapsed_since "$started")"
}

ensure_docker() {
  docker_answers && return
  bash "$SCRIPTS_DIR/start-infra.sh" docker
  STARTED_DOCKERD=true
}

jest_report() { printf '%s/test-output/jest-%s.json' "$SLIPWAY_ROOT" "$1"; }

# One closing line for the whole run, in the plain form CI reads: "N passed, N failed".
print_totals() {
  local reports=() project
  for project in "$@"; do
    [[ -f "$(jest_report "$project")" ]] && reports+=("$(jest_report "$project")")
  done
  ((${#reports[@]} > 0)) || return 0
  node -e '
    let passed = 0, failed = 0;
    for (const file of process.argv.slice(1)) {
      const report = require(file);
      passed += report.numPassedTests;
      failed += report.numFailedTests;
    }
    console.log(`${passed} passed, ${failed} failed`);
  ' "${reports[@]}"
}

run_jest_project() {
  local project="$1" started
  started="$(now_ms)"
  log "tests: $project"
  local report=(--json --outputFile "$(jest_report "$project")")
  case "$project" in
  # Angular component specs (jsdom, TestBed) are unit tests too, in their own jest project.
  unit) (cd "$SLIPWAY_ROOT" && npx jest --selectProjects unit components "${report[@]}") ;;
  # In band: these start real servers and containers; parallel workers would only fight over 2 cores.
  integration | browser) (cd "$SLIPWAY_ROOT" && npx jest --selectProjects "$project" --runInBand "${report[@]}") ;;
  *) die "unknown test project '$project' (expected: unit integration browser)" ;;
  esac
  log "tests: $project passed in $(elapsed_since "$started")"
}

main() {
  local projects=("$@") project started
  ((${#projects[@]} > 0)) || projects=(static unit integration browser)
  started="$(now_ms)"
  export NODE_ENV=test
  mkdir -p "$SLIPWAY_ROOT/test-output"
  rm -f "$SLIPWAY_ROOT"/test-output/jest-*.json
  bash "$SCRIPTS_DIR/install-deps.sh"
  trap stop_what_we_started EXIT
  for project in "${projects[@]}"; do
    if [[ "$project" == static ]]; then
      run_static_checks
      continue
    fi
    if [[ "$project" != unit ]]; then
      ensure_docker
      bash "$SCRIPTS_DIR/build-base-images.sh"
    fi
    [[ "$project" == browser ]] && build_web_if_stale
    run_jest_project "$project"
  done
  log "all tests passed ($(elapsed_since "$started"))"
  print_totals "${projects[@]}"
}

main "$@"
