# Process helpers shared by deploy/local/kafka.sh, redis.sh and corenlp.sh (sourced, not run).

# Alive and not a zombie (an orphan may wait a while for its reaper).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ "$state" != Z && "$state" != X ]]
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Stop the process of $PID_FILE (found by the caller's running_pid): SIGTERM, up to
# $1 seconds for a clean shutdown, then SIGKILL. Uses the caller's log, RUN_DIR, PID_FILE.
stop_running() {
  local grace="$1" pid i
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    log "not running ($RUN_DIR)"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    log "still running after ${grace}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$PID_FILE"
  log "stopped (pid $pid)"
}
