#!/usr/bin/env bash
# Run a throwaway Redis server on the loopback interface (no persistence).
#
#   redis.sh install              apt-get install redis-server when it is missing
#   redis.sh start [PORT]         start daemonized; wait until it answers PING
#   redis.sh stop                 SHUTDOWN NOSAVE / SIGTERM, wait, then SIGKILL
#   redis.sh status               exit 0 when running, 3 when not
#   redis.sh cli ARGS...          redis-cli against the server
#   redis.sh clean                delete the run dir; refuses while running
#
# Environment (all optional):
#   REDIS_LOCAL_RUN_DIR     pid file and log        (default: <repo>/.run/redis)
#   REDIS_LOCAL_PORT        port                    (default: 6379)
#   REDIS_LOCAL_START_TIMEOUT  seconds to wait for PING (default: 30)
#   REDIS_LOCAL_OWNER_PID   when set, the server is stopped once that process is gone
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
RUN_DIR="${REDIS_LOCAL_RUN_DIR:-$REPO/.run/redis}"
TIMEOUT="${REDIS_LOCAL_START_TIMEOUT:-30}"
PID_FILE="$RUN_DIR/redis.pid"
PORT_FILE="$RUN_DIR/redis.port"
LOG_FILE="$RUN_DIR/redis.log"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
log() { echo "redis.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cmd_install() {
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 && return 0
  log "redis-server is missing; installing it with apt-get"
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  (
    # Two sessions installing at once take turns (dpkg has its own lock, but fails instead of waiting).
    exec 9>/tmp/claimline-apt-redis.lock
    flock 9
    command -v redis-server >/dev/null 2>&1 && exit 0
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
  ) || die "apt-get install redis-server failed"
  command -v redis-server >/dev/null 2>&1 || die "redis-server still not on PATH after installing"
}

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  grep -q "redis" "/proc/$pid/comm" 2>/dev/null || return 1
  echo "$pid"
}

start_watchdog() {
  local owner="$1" pid="$2"
  setsid bash -c '
    owner=$1 pid=$2
    up() { kill -0 "$1" 2>/dev/null && ! grep -q "^[0-9]* (.*) [ZX] " "/proc/$1/stat" 2>/dev/null; }
    while up "$owner" && up "$pid"; do sleep 2; done
    kill -TERM "$pid" 2>/dev/null || true' redis-watchdog "$owner" "$pid" </dev/null >/dev/null 2>&1 &
}

cmd_start() {
  local port="${1:-${REDIS_LOCAL_PORT:-6379}}"
  [[ "$port" =~ ^[0-9]+$ ]] || die "port must be a number (got '$port')"
  local pid
  if pid="$(running_pid)"; then
    local have
    have="$(cat "$PORT_FILE" 2>/dev/null || true)"
    if [[ "$have" == "$port" ]]; then
      log "already running (pid $pid) on 127.0.0.1:$port"
      echo "redis://127.0.0.1:$port/0"
      return 0
    fi
    die "a redis from $RUN_DIR is already running (pid $pid) on port $have; stop it first"
  fi
  cmd_install
  port_in_use "$port" && die "port $port on 127.0.0.1 is already in use"
  mkdir -p "$RUN_DIR"
  rm -f "$PID_FILE"
  : >"$LOG_FILE"
  local t0=$SECONDS
  # appendonly: ingest's seen-store must survive a restart (the file lives in $RUN_DIR).
  redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly yes --appendfsync everysec \
    --daemonize yes --pidfile "$PID_FILE" --logfile "$LOG_FILE" --dir "$RUN_DIR" \
    --protected-mode yes </dev/null >/dev/null 2>>"$LOG_FILE" \
    || { tail -n 30 "$LOG_FILE" >&2; die "redis-server failed to start"; }
  echo "$port" >"$PORT_FILE"
  local deadline=$((SECONDS + TIMEOUT))
  while ((SECONDS < deadline)); do
    # Ready: answers PING and has written its pid file.
    if [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == "PONG" ]] && pid="$(running_pid)"; then
      [[ -n "${REDIS_LOCAL_OWNER_PID:-}" ]] && start_watchdog "$REDIS_LOCAL_OWNER_PID" "$pid"
      log "ready on 127.0.0.1:$port in $((SECONDS - t0))s, pid $pid, log $LOG_FILE"
      echo "redis://127.0.0.1:$port/0"
      return 0
    fi
    sleep 0.1
  done
  tail -n 30 "$LOG_FILE" >&2
  cmd_stop >/dev/null 2>&1 || true
  die "redis did not answer PING on 127.0.0.1:$port within ${TIMEOUT}s"
}

cmd_stop() { stop_running 10; }

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    echo "redis: running, pid $pid, url redis://127.0.0.1:$(cat "$PORT_FILE" 2>/dev/null)/0, run dir $RUN_DIR"
    return 0
  fi
  echo "redis: stopped (run dir $RUN_DIR)"
  return 3
}

cmd_clean() {
  if running_pid >/dev/null; then die "redis is running; stop it first"; fi
  rm -rf "$RUN_DIR"
  log "removed $RUN_DIR"
}

case "${1:-}" in
  install) cmd_install ;;
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  cli) shift; exec redis-cli -h 127.0.0.1 -p "$(cat "$PORT_FILE" 2>/dev/null || echo "${REDIS_LOCAL_PORT:-6379}")" "$@" ;;
  clean) cmd_clean ;;
  *)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    [[ -z "${1:-}" || "$1" == -h || "$1" == --help || "$1" == help ]] || exit 2
    ;;
esac
