#!/usr/bin/env bash
# Starts Slipway's infrastructure in the background, each piece only if nothing answers on its port yet:
#   nats      NATS with JetStream             client :NATS_PORT (4222), monitoring :NATS_MONITOR_PORT (8222)
#   ferretdb  MongoDB-compatible database     :FERRETDB_PORT (27017); skipped when MONGO_URL is set
#   docker    Docker Engine (dockerd)         DOCKER_SOCKET (/var/run/docker.sock)
#   caddy     reverse proxy for deployed apps :CADDY_HTTP_PORT (8080), admin :CADDY_ADMIN_PORT (2019)
#
# Usage: start-infra.sh [component...]   (default: all of them)
#
# Data lives in .slipway/data, logs in .slipway/logs. Only what this script starts gets a pidfile in
# .slipway/run, so down.sh never stops a NATS or dockerd that was already running on the machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

START_TIMEOUT_S="${START_TIMEOUT_S:-60}"

# Runs a component's start function unless its probe already succeeds, and prints how long it took.
start_component() {
  local name="$1" probe="$2" start_fn="$3" started
  if $probe; then
    if is_running "$name"; then
      log "$name: already running (started by Slipway)"
    else
      log "$name: already answering; leaving it alone"
    fi
    return
  fi
  started="$(now_ms)"
  "$start_fn"
  log "$name: ready in $(elapsed_since "$started")"
}

# A process from an earlier run that is still booting (or hung) would block the port: never start a second copy.
refuse_duplicate() {
  local name="$1" pid
  if pid="$(running_pid "$name")"; then
    die "$name (pid $pid) is running but not answering; see $(logfile_for "$name") or run: bash deploy/scripts/down.sh"
  fi
}

# --- NATS ------------------------------------------------------------------------------------------------------
nats_answers() { tcp_answers 127.0.0.1 "$NATS_PORT"; }

start_nats() {
  require_command nats-server
  refuse_duplicate nats
  mkdir -p "$SLIPWAY_DATA_DIR/nats"
  start_background nats nats-server -js -a 127.0.0.1 -p "$NATS_PORT" -m "$NATS_MONITOR_PORT" \
    -sd "$SLIPWAY_DATA_DIR/nats"
  # /healthz only turns 200 once JetStream is ready too, not just when the client port is open.
  wait_for_started nats "$START_TIMEOUT_S" "NATS to be healthy" http_ok "http://127.0.0.1:${NATS_MONITOR_PORT}/healthz"
}

# --- FerretDB --------------------------------------------------------------------------------------------------
ferretdb_answers() { tcp_answers 127.0.0.1 "$FERRETDB_PORT"; }

start_ferretdb() {
  [[ -x "$FERRETDB_BIN" ]] || die "FerretDB is not installed at $FERRETDB_BIN. Run: bash deploy/scripts/install-deps.sh"
  refuse_duplicate ferretdb
  local dir="$SLIPWAY_DATA_DIR/ferretdb"
  mkdir -p "$dir/sqlite" "$dir/state"
  # --handler: the default is postgresql. --state-dir: the default is the cwd, where it would drop state.json.
  # --telemetry: the default ("undecided") reports to FerretDB's beacon on the internet.
  # --debug-addr: the default 127.0.0.1:8088 is a popular port; move it out of the way.
  start_background ferretdb "$FERRETDB_BIN" \
    --handler=sqlite --sqlite-url="file:${dir}/sqlite/" --state-dir="${dir}/state" \
    --listen-addr="127.0.0.1:${FERRETDB_PORT}" --debug-addr="127.0.0.1:${FERRETDB_DEBUG_PORT}" \
    --telemetry=disable --log-level=warn
  wait_for_started ferretdb "$START_TIMEOUT_S" "FerretDB to be ready" \
    http_ok "http://127.0.0.1:${FERRETDB_DEBUG_PORT}/debug/readyz"
}

# --- Docker Engine ---------------------------------------------------------------------------------------------
start_docker() {
  require_command dockerd
  ((EUID == 0)) || die "no Docker Engine answers on $DOCKER_SOCKET and starting dockerd needs root; start Docker yourself"
  refuse_duplicate dockerd
  # dockerd keeps its state in /var/lib/docker (images must survive `down`), only its log goes to .slipway.
  start_background dockerd dockerd --host "unix://${DOCKER_SOCKET}"
  wait_for_started dockerd "$START_TIMEOUT_S" "Docker Engine on $DOCKER_SOCKET" docker_answers
}

# --- Caddy -----------------------------------------------------------------------------------------------------
caddy_admin_url() { printf 'http://127.0.0.1:%s' "$CADDY_ADMIN_PORT"; }
caddy_answers() { http_ok "$(caddy_admin_url)/config/"; }

start_caddy() {
  require_command caddy
  refuse_duplicate caddy
  local dir="$SLIPWAY_DATA_DIR/caddy" bootstrap="$SLIPWAY_RUN_DIR/caddy-bootstrap.json"
  mkdir -p "$dir/data" "$dir/config"
  # Caddy 2.6 has no flag for the admin address, so it starts from a config that only sets that; the
  # routing config is loaded through the admin API afterwards (load_caddy_base_config).
  printf '{"admin":{"listen":"127.0.0.1:%s"}}\n' "$CADDY_ADMIN_PORT" >"$bootstrap"
  # XDG_*: keep Caddy's certificates and autosaved config under .slipway rather than in root's home.
  start_background caddy env XDG_DATA_HOME="$dir/data" XDG_CONFIG_HOME="$dir/config" \
    caddy run --config "$bootstrap"
  wait_for_started caddy "$START_TIMEOUT_S" "the Caddy admin API" caddy_answers
}

# Loads the base config only when Caddy has no `slipway` server: loading replaces the whole config, which
# would wipe the app routes the runtime service has added to a Caddy that is already serving.
load_caddy_base_config() {
  local current response
  # 200 with the server's JSON when it exists; 400 "invalid traversal path" (or 200 "null") when it does not.
  current="$(curl --silent --max-time 5 --write-out '\n%{http_code}' "$(caddy_admin_url)/config/apps/http/servers/slipway")" ||
    die "could not read Caddy's config from $(caddy_admin_url)"
  if [[ "${current##*$'\n'}" == "200" && "${current%$'\n'*}" != "null" ]]; then
    log "caddy: server 'slipway' already configured; keeping its routes"
    return
  fi
  response="$(render_caddy_base_config "$CADDY_HTTP_PORT" "127.0.0.1:${CADDY_ADMIN_PORT}" |
    curl --silent --show-error --max-time 10 --write-out '\n%{http_code}' \
      -H 'Content-Type: application/json' --data-binary @- "$(caddy_admin_url)/load")"
  [[ "${response##*$'\n'}" == "200" ]] || die "Caddy rejected the base config: ${response%$'\n'*}"
  wait_for_tcp 127.0.0.1 "$CADDY_HTTP_PORT" 10 || die "Caddy loaded the config but :$CADDY_HTTP_PORT is not open"
  log "caddy: base config loaded; apps are served on :$CADDY_HTTP_PORT"
}

main() {
  local components=("$@") component
  ((${#components[@]} > 0)) || components=(nats ferretdb docker caddy)
  ensure_state_dirs
  require_command curl
  for component in "${components[@]}"; do
    case "$component" in
    nats) start_component nats nats_answers start_nats ;;
    ferretdb)
      if [[ -n "${MONGO_URL:-}" ]]; then
        log "ferretdb: MONGO_URL is set; using that database instead"
      else
        start_component ferretdb ferretdb_answers start_ferretdb
      fi
      ;;
    docker) start_component dockerd docker_answers start_docker ;;
    caddy)
      start_component caddy caddy_answers start_caddy
      load_caddy_base_config
      ;;
    *) die "unknown component '$component' (expected: nats ferretdb docker caddy)" ;;
    esac
  done
}

main "$@"
