# Process helpers shared by deploy/local/kafka.sh and redis.sh (sourced, not run).

# Alive and not a zombie (an orphan may wait a while for its reaper).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ "$state" != Z && "$state" != X ]]
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
