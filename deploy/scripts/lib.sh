# Shared helpers for Slipway's local scripts. Source it; do not run it.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Everything a script starts is recorded in a pidfile under .slipway/run so that down.sh can stop exactly
# what Slipway started (by PID, never by process name) and leave anything else on the machine alone.

# ---------------------------------------------------------------------------------------------------------------
# Paths: absolute, derived from this file's location so the scripts work from any cwd.
# ---------------------------------------------------------------------------------------------------------------
SLIPWAY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SLIPWAY_STATE_DIR="${SLIPWAY_ROOT}/.slipway"
SLIPWAY_BIN_DIR="${SLIPWAY_STATE_DIR}/bin"
SLIPWAY_DATA_DIR="${SLIPWAY_STATE_DIR}/data"
SLIPWAY_RUN_DIR="${SLIPWAY_STATE_DIR}/run"
SLIPWAY_LOG_DIR="${SLIPWAY_STATE_DIR}/logs"
SLIPWAY_ROOTFS_DIR="${SLIPWAY_STATE_DIR}/rootfs"

# ---------------------------------------------------------------------------------------------------------------
# Ports and endpoints: every one can be overridden from the environment.
# ---------------------------------------------------------------------------------------------------------------
NATS_PORT="${NATS_PORT:-4222}"
NATS_MONITOR_PORT="${NATS_MONITOR_PORT:-8222}"
FERRETDB_PORT="${FERRETDB_PORT:-27017}"
FERRETDB_DEBUG_PORT="${FERRETDB_DEBUG_PORT:-8089}"
CADDY_ADMIN_PORT="${CADDY_ADMIN_PORT:-2019}"
CADDY_HTTP_PORT="${CADDY_HTTP_PORT:-8080}"
DOCKER_SOCKET="${DOCKER_SOCKET:-/var/run/docker.sock}"
GATEWAY_HTTP_PORT="${GATEWAY_HTTP_PORT:-3000}"
APPS_HTTP_PORT="${APPS_HTTP_PORT:-3001}"
BUILDER_HTTP_PORT="${BUILDER_HTTP_PORT:-3002}"
RUNTIME_HTTP_PORT="${RUNTIME_HTTP_PORT:-3003}"
LOGS_HTTP_PORT="${LOGS_HTTP_PORT:-3004}"

FERRETDB_VERSION="${FERRETDB_VERSION:-v1.24.2}"
FERRETDB_BIN="${FERRETDB_BIN:-${SLIPWAY_BIN_DIR}/ferretdb}"

# ---------------------------------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------------------------------
log() { printf '[slipway] %s\n' "$*" >&2; }
warn() { printf '[slipway] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[slipway] ERROR: %s\n' "$*" >&2
  exit 1
}

require_command() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed. Run: bash deploy/scripts/install-deps.sh"
}

ensure_state_dirs() {
  mkdir -p "$SLIPWAY_BIN_DIR" "$SLIPWAY_DATA_DIR" "$SLIPWAY_RUN_DIR" "$SLIPWAY_LOG_DIR" "$SLIPWAY_ROOTFS_DIR"
}

# ---------------------------------------------------------------------------------------------------------------
# Timing: scripts print how long each step took, so slow steps are visible rather than guessed at.
# ---------------------------------------------------------------------------------------------------------------
now_ms() { date +%s%3N; }

# Prints seconds elapsed since a now_ms timestamp, e.g. "2.4s".
elapsed_since() {
  local started_ms="$1" ms
  ms=$(($(now_ms) - started_ms))
  printf '%d.%02ds' $((ms / 1000)) $(((ms % 1000) / 10))
}

# ---------------------------------------------------------------------------------------------------------------
# Probes and waits. Each probe is quick (short timeouts) and silent; the wait_* helpers poll a probe.
# ---------------------------------------------------------------------------------------------------------------
tcp_answers() {
  local host="$1" port="$2"
  timeout 1 bash -c "exec 3<>/dev/tcp/${host}/${port}" 2>/dev/null
}

http_ok() {
  curl --silent --fail --output /dev/null --max-time 2 "$1"
}

docker_answers() {
  [[ -S "$DOCKER_SOCKET" ]] &&
    curl --silent --fail --output /dev/null --max-time 2 --unix-socket "$DOCKER_SOCKET" http://localhost/_ping
}

# wait_until <timeout-seconds> <description> <command...>: polls the command every 0.2 s.
wait_until() {
  local timeout_s="$1" description="$2"
  shift 2
  local deadline=$((SECONDS + timeout_s))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      warn "timed out after ${timeout_s}s waiting for ${description}"
      return 1
    fi
    sleep 0.2
  done
}

wait_for_tcp() { wait_until "$3" "$1:$2 to accept TCP connections" tcp_answers "$1" "$2"; }
wait_for_http() { wait_until "$2" "$1 to answer 2xx" http_ok "$1"; }

# ---------------------------------------------------------------------------------------------------------------
# Background processes tracked by pidfile.
#
# A pidfile holds the PID and the process start time (field 22 of /proc/PID/stat). Checking both means a stale
# pidfile whose PID the kernel has since reused for an unrelated process is recognised as stale and that
# unrelated process is never signalled.
# ---------------------------------------------------------------------------------------------------------------
pidfile_for() { printf '%s/%s.pid' "$SLIPWAY_RUN_DIR" "$1"; }
logfile_for() { printf '%s/%s.log' "$SLIPWAY_LOG_DIR" "$1"; }

# Prints the start time of a live process; fails if there is no such process or it is a zombie (exited but
# not yet reaped, which happens to a child of the still-running script that started it).
process_start_time() {
  # The command name in field 2 may contain spaces, so cut everything up to the last ')' first.
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  # After the cut, the state (field 3) is word 1 and the start time (field 22) is word 20.
  awk '$1 == "Z" || $1 == "X" { exit 1 } { print $20 }' <<<"$stat"
}

# Prints the PID recorded for <name> if that very process is still alive; fails otherwise.
running_pid() {
  local pidfile pid recorded_start current_start
  pidfile="$(pidfile_for "$1")"
  [[ -f "$pidfile" ]] || return 1
  { read -r pid && read -r recorded_start; } <"$pidfile" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  current_start="$(process_start_time "$pid")" || return 1
  [[ "$current_start" == "$recorded_start" ]] || return 1
  printf '%s\n' "$pid"
}

is_running() { running_pid "$1" >/dev/null; }

# start_background <name> <command...>: starts the command in its own session (setsid) so it outlives this
# script and a Ctrl-C in the terminal does not reach it, appends its output to .slipway/logs/<name>.log and
# records its PID. Environment for the command is inherited; set it with `env K=V cmd` or export it first.
start_background() {
  local name="$1"
  shift
  local logfile pid start_time
  logfile="$(logfile_for "$name")"
  printf '\n===== %s starting %s: %s\n' "$(date -Is)" "$name" "$*" >>"$logfile"
  # Without job control a background job is not a process-group leader, so setsid execs in place and $! is
  # the PID of the real process, not of a short-lived wrapper.
  setsid "$@" >>"$logfile" 2>&1 </dev/null &
  pid=$!
  start_time="$(process_start_time "$pid")" || {
    tail -n 30 "$logfile" >&2
    die "$name exited immediately (log: $logfile)"
  }
  printf '%s\n%s\n' "$pid" "$start_time" >"$(pidfile_for "$name")"
  log "started $name (pid $pid, log ${logfile#"$SLIPWAY_ROOT"/})"
}

# stop_background <name> [grace-seconds]: SIGTERM, wait, then SIGKILL the process group (setsid made the
# process its group leader, so that group is exactly what we started plus its children). Removes the pidfile.
stop_background() {
  local name="$1" grace_s="${2:-15}" pidfile pid deadline started
  started="$(now_ms)"
  pidfile="$(pidfile_for "$name")"
  if ! pid="$(running_pid "$name")"; then
    [[ -f "$pidfile" ]] && { rm -f "$pidfile"; log "removed stale pidfile for $name"; }
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + grace_s))
  while is_running "$name" && ((SECONDS < deadline)); do sleep 0.2; done
  if is_running "$name"; then
    warn "$name (pid $pid) ignored SIGTERM for ${grace_s}s; sending SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    while is_running "$name"; do sleep 0.1; done
  fi
  rm -f "$pidfile"
  log "stopped $name (pid $pid) in $(elapsed_since "$started")"
}

# wait_for_started <name> <timeout-seconds> <description> <probe...>: like wait_until, but gives up at once
# (printing the log tail) if the process recorded for <name> has exited, instead of waiting out the timeout.
wait_for_started() {
  local name="$1" timeout_s="$2" description="$3"
  shift 3
  local deadline=$((SECONDS + timeout_s))
  until "$@"; do
    if ! is_running "$name"; then
      print_log_tail "$name"
      die "$name exited while waiting for ${description} (log: $(logfile_for "$name"))"
    fi
    if ((SECONDS >= deadline)); then
      print_log_tail "$name"
      die "timed out after ${timeout_s}s waiting for ${description}"
    fi
    sleep 0.2
  done
}

print_log_tail() {
  local logfile
  logfile="$(logfile_for "$1")"
  [[ -f "$logfile" ]] || return 0
  printf -- '----- last %s lines of %s -----\n' "${2:-30}" "${logfile#"$SLIPWAY_ROOT"/}" >&2
  tail -n "${2:-30}" "$logfile" >&2
  printf -- '-----\n' >&2
}

# ---------------------------------------------------------------------------------------------------------------
# Caddy base config: one template (deploy/caddy/base-config.json) shared with libs/testing.
# ---------------------------------------------------------------------------------------------------------------
render_caddy_base_config() {
  local http_port="$1" admin_listen="$2"
  sed -e "s/__CADDY_HTTP_PORT__/${http_port}/g" -e "s/__CADDY_ADMIN_LISTEN__/${admin_listen}/g" \
    "${SLIPWAY_ROOT}/deploy/caddy/base-config.json"
}

# ---------------------------------------------------------------------------------------------------------------
# The NestJS services, in start order, and each one's HTTP port (health, metrics, and the gateway's API).
# SLIPWAY_SERVICES="gateway apps" picks a subset.
# ---------------------------------------------------------------------------------------------------------------
# shellcheck disable=SC2034 # used by the scripts that source this file
read -r -a SERVICE_NAMES <<<"${SLIPWAY_SERVICES:-apps builder runtime logs gateway}"

service_http_port() {
  case "$1" in
  gateway) printf '%s' "$GATEWAY_HTTP_PORT" ;;
  apps) printf '%s' "$APPS_HTTP_PORT" ;;
  builder) printf '%s' "$BUILDER_HTTP_PORT" ;;
  runtime) printf '%s' "$RUNTIME_HTTP_PORT" ;;
  logs) printf '%s' "$LOGS_HTTP_PORT" ;;
  *) die "unknown service '$1' (expected: gateway apps builder runtime logs)" ;;
  esac
}

# ---------------------------------------------------------------------------------------------------------------
# The web portal: the gateway serves dist/web/browser. Rebuilt only when a file under web/src is newer.
# ---------------------------------------------------------------------------------------------------------------
WEB_INDEX="${SLIPWAY_ROOT}/dist/web/browser/index.html"

web_build_needed() {
  [[ ! -f "$WEB_INDEX" ]] && return 0
  [[ -n "$(find "${SLIPWAY_ROOT}/web/src" -type f -newer "$WEB_INDEX" -print -quit)" ]]
}

build_web_if_stale() {
  if [[ ! -d "${SLIPWAY_ROOT}/web/src" ]]; then
    warn "web/src does not exist; skipping the portal build"
    return
  fi
  if ! web_build_needed; then
    log "web: build is up to date"
    return
  fi
  local started
  started="$(now_ms)"
  log "web: building the portal"
  # Keep Nx quiet and local: no daemon left behind, no cloud, no interactive terminal UI.
  (cd "$SLIPWAY_ROOT" &&
    NX_DAEMON="${NX_DAEMON:-false}" NX_NO_CLOUD="${NX_NO_CLOUD:-true}" NX_TUI="${NX_TUI:-false}" \
      npx nx run web:build --outputStyle=static)
  log "web: built in $(elapsed_since "$started")"
}
