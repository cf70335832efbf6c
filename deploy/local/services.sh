#!/usr/bin/env bash
# Run the four Claimline services in the background (used by `make up` / `make down`).
#
#   services.sh start     start ingest, parse, extract and timeline; wait for their /health
#   services.sh stop      stop them (SIGTERM to each process group, then SIGKILL); idempotent
#   services.sh status    exit 0 when all run, 3 otherwise
#
# Each service gets a pid file and a log in $SERVICES_LOCAL_RUN_DIR (default <repo>/.run/services).
# They read their configuration from CLAIMLINE_* variables (services/common/settings.py);
# set CLAIMLINE_KAFKA_BOOTSTRAP, CLAIMLINE_REDIS_URL and CLAIMLINE_PARSER_URL to point them at the infrastructure.
# CLAIMLINE_BIN (default <repo>/.venv/bin/claimline) and SERVICES_LOCAL_START_TIMEOUT (60 s).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
RUN_DIR="${SERVICES_LOCAL_RUN_DIR:-$REPO/.run/services}"
BIN="${CLAIMLINE_BIN:-$REPO/.venv/bin/claimline}"
PY="$(dirname "$BIN")/python"
[[ -x "$PY" ]] || PY=python3
TIMEOUT="${SERVICES_LOCAL_START_TIMEOUT:-60}"

SERVICES=(ingest parse extract timeline)
declare -A ARGS=([ingest]="ingest serve" [parse]="parse run" [extract]="extract run" [timeline]="timeline serve")
declare -A HEALTH=(
  [ingest]="http://127.0.0.1:${CLAIMLINE_INGEST_PORT:-8001}/health"
  [parse]="http://127.0.0.1:${CLAIMLINE_PARSE_WEB_PORT:-6067}/health"
  [extract]="http://127.0.0.1:${CLAIMLINE_EXTRACT_WEB_PORT:-6066}/health"
  [timeline]="http://127.0.0.1:${CLAIMLINE_TIMELINE_PORT:-8000}/health"
)

log() { echo "services.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ "$state" != Z && "$state" != X ]]
}

running_pid() {
  local f="$RUN_DIR/$1.pid" pid
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  echo "$pid"
}

healthy() {
  "$PY" - "$1" <<'EOF' >/dev/null 2>&1
import sys, urllib.request
sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=2).status == 200 else 1)
EOF
}

stop_one() {
  local name="$1" pid i
  if ! pid="$(running_pid "$name")"; then
    rm -f "$RUN_DIR/$name.pid"
    return 0
  fi
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 75; i++)); do alive "$pid" || break; sleep 0.2; done
  if alive "$pid"; then
    log "$name still running after 15s; sending SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN_DIR/$name.pid"
  log "stopped $name (pid $pid)"
}

cmd_start() {
  [[ -x "$BIN" ]] || die "$BIN not found: run 'make venv' first"
  mkdir -p "$RUN_DIR"
  # Auto topic creation is off on the broker: declare the topics once, before the services race.
  if ! "$BIN" topics create >"$RUN_DIR/topics.log" 2>&1; then
    tail -n 30 "$RUN_DIR/topics.log" >&2
    die "'claimline topics create' failed (is Kafka up at ${CLAIMLINE_KAFKA_BOOTSTRAP:-127.0.0.1:9092}?)"
  fi
  local name pid
  for name in "${SERVICES[@]}"; do
    if pid="$(running_pid "$name")"; then
      log "$name already running (pid $pid)"
      continue
    fi
    # shellcheck disable=SC2086
    setsid "$BIN" ${ARGS[$name]} </dev/null >>"$RUN_DIR/$name.log" 2>&1 &
    echo $! >"$RUN_DIR/$name.pid"
    log "started $name (pid $!), log $RUN_DIR/$name.log"
  done
  local deadline=$((SECONDS + TIMEOUT)) pending
  while :; do
    pending=()
    for name in "${SERVICES[@]}"; do
      if ! pid="$(running_pid "$name")"; then
        log "$name exited; last lines of $RUN_DIR/$name.log:"
        tail -n 40 "$RUN_DIR/$name.log" >&2
        die "$name failed to start"
      fi
      healthy "${HEALTH[$name]}" || pending+=("$name")
    done
    ((${#pending[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      for name in "${pending[@]}"; do
        log "$name not healthy at ${HEALTH[$name]} after ${TIMEOUT}s; last lines of $RUN_DIR/$name.log:"
        tail -n 40 "$RUN_DIR/$name.log" >&2
      done
      die "not healthy: ${pending[*]} (still running; 'make down' stops them)"
    fi
    sleep 0.5
  done
  log "all healthy: ingest ${HEALTH[ingest]%/health}, timeline ${HEALTH[timeline]%/health}, parse ${HEALTH[parse]}, extract ${HEALTH[extract]}"
}

cmd_stop() {
  local name
  for name in "${SERVICES[@]}"; do stop_one "$name"; done
}

cmd_status() {
  local name pid rc=0
  for name in "${SERVICES[@]}"; do
    if pid="$(running_pid "$name")"; then
      if healthy "${HEALTH[$name]}"; then echo "$name: running, pid $pid, healthy"; else echo "$name: running, pid $pid, NOT healthy"; fi
    else
      echo "$name: stopped"
      rc=3
    fi
  done
  return $rc
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    [[ -z "${1:-}" || "$1" == -h || "$1" == --help || "$1" == help ]] || exit 2
    ;;
esac
