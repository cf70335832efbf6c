#!/usr/bin/env bash
# Run a Stanford CoreNLP 4.5.10 server (the parse stage's parser) from the jars on Maven
# Central: no Docker, no zip. CoreNLP is GPL-3.0-or-later: it is fetched at install time and
# runs as a separate process; nothing of it is copied into this repository.
#
#   corenlp.sh fetch            resolve the jars (and the loopback shim) into the cache dir (once; cached)
#   corenlp.sh start [PORT]     start on 127.0.0.1:PORT; wait until GET /ready answers; prints the URL
#   corenlp.sh stop             SIGTERM, wait, then SIGKILL
#   corenlp.sh status           exit 0 when running, 3 when not
#   corenlp.sh url              the running server's URL (exit 3 when not running)
#
# Environment (all optional):
#   CORENLP_LOCAL_LIBS           jar cache dir            (default: <repo>/.cache/corenlp-libs)
#   CORENLP_LOCAL_RUN_DIR        log, pid and port files  (default: <repo>/.run/corenlp)
#   CORENLP_LOCAL_PORT           port                     (default: 9000)
#   CORENLP_LOCAL_START_TIMEOUT  seconds to wait for /ready (default: 180)
#   CORENLP_LOCAL_HEAP           JVM heap flag            (default: -mx3g)
#   CORENLP_LOCAL_THREADS        request threads          (default: 2)
#   CORENLP_LOCAL_OWNER_PID      when set, the server is killed once that process is gone
#                                (the test fixtures and `claimline demo` set it)
set -euo pipefail

CORENLP_VERSION=4.5.10
ANNOTATORS=tokenize,ssplit,pos,lemma,depparse
# The server refuses texts over 100,000 characters by default; ingest accepts up to 200,000.
MAX_CHARS=250000
# Speed settings that leave every parse identical (see the README's speed row):
# - depparse.numCached: the dependency parser keeps the hidden-layer products of the (word,
#   position) features it has computed in an LRU cache of 5,000 by default; news text churned
#   it (about a quarter of the server's CPU went to recomputing and re-caching them). A cached
#   product is the same float[] as a recomputed one, so the parses do not change.
# - the heap: with -mx2g the models filled 90 % of the old generation and the young one
#   collected every article or two; 3 GB leaves room.
DEPPARSE_CACHE=100000
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
POM="$HERE/corenlp/pom.xml"
SHIM_SRC="$HERE/corenlp/LoopbackHttpServerProvider.java"
LIBS="${CORENLP_LOCAL_LIBS:-$REPO/.cache/corenlp-libs}"
RUN_DIR="${CORENLP_LOCAL_RUN_DIR:-$REPO/.run/corenlp}"
TIMEOUT="${CORENLP_LOCAL_START_TIMEOUT:-180}"
HEAP="${CORENLP_LOCAL_HEAP:--mx3g}"
THREADS="${CORENLP_LOCAL_THREADS:-2}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JAVAC="${JAVA_HOME:+$JAVA_HOME/bin/}javac"

PID_FILE="$RUN_DIR/corenlp.pid"
PORT_FILE="$RUN_DIR/corenlp.port"
LOG_FILE="$RUN_DIR/corenlp.log"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
log() { echo "corenlp.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# fetch needs Maven and a JDK (javac compiles the loopback shim); start needs only a JRE.
need_tools() {
  local missing=()
  command -v "$JAVA" >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
  if [[ "${1:-}" == build ]]; then
    command -v mvn >/dev/null 2>&1 || missing+=(maven)
    command -v "$JAVAC" >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
  fi
  ((${#missing[@]} == 0)) && return 0
  log "missing: ${missing[*]}; installing with apt-get"
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
    || die "could not install ${missing[*]} (need a Java 17 JDK and Maven)"
}

stamp() { cat "$POM" "$SHIM_SRC" | sha256sum | cut -d' ' -f1; }

# Jar cache: complete when the stamp holds the checksum of the pom and the shim's source.
libs_ok() {
  [[ -f "$LIBS/.complete" ]] && [[ "$(cat "$LIBS/.complete")" == "$(stamp)" ]] \
    && [[ -f "$LIBS/stanford-corenlp-$CORENLP_VERSION-models.jar" ]] \
    && [[ -f "$LIBS/classes/claimline/LoopbackHttpServerProvider.class" ]]
}

cmd_fetch() {
  if libs_ok; then return 0; fi
  need_tools build
  mkdir -p "$(dirname "$LIBS")"
  exec 9>"$LIBS.lock"
  flock 9                                  # two sessions fetching at once take turns
  if libs_ok; then return 0; fi
  local tmp="$LIBS.tmp.$$" t0=$SECONDS
  rm -rf "$tmp"
  log "resolving Stanford CoreNLP $CORENLP_VERSION and its English models into $LIBS (about 470 MB the first time)"
  if ! mvn -B -q -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
        -DoutputDirectory="$tmp" -DincludeScope=runtime >"$tmp.mvn.log" 2>&1; then
    tail -n 40 "$tmp.mvn.log" >&2
    rm -rf "$tmp" "$tmp.mvn.log"
    die "mvn dependency:copy-dependencies failed (is Maven Central reachable?)"
  fi
  rm -f "$tmp.mvn.log"
  mkdir -p "$tmp/classes"
  "$JAVAC" -nowarn --add-exports jdk.httpserver/sun.net.httpserver=ALL-UNNAMED -d "$tmp/classes" "$SHIM_SRC" \
    || { rm -rf "$tmp"; die "compiling $SHIM_SRC failed"; }
  stamp >"$tmp/.complete"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  log "fetched $(ls "$LIBS"/*.jar | wc -l) jars in $((SECONDS - t0))s"
}

# Prints the server's pid when our pid file names a live CoreNLP server.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "StanfordCoreNLPServer" || return 1
  echo "$pid"
}

# GET /ready answers 200 (bash's /dev/tcp: no curl needed).
ready() {
  local port="$1"
  (
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    printf 'GET /ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    IFS= read -r -t 5 status <&3 || exit 1
    [[ "$status" == *" 200"* ]]
  ) 2>/dev/null
}

start_watchdog() {
  local owner="$1" pid="$2"
  # Detached: kills the server when the owning process (pytest, the demo) disappears.
  setsid bash -c '
    owner=$1 pid=$2
    up() { kill -0 "$1" 2>/dev/null && ! grep -q "^[0-9]* (.*) [ZX] " "/proc/$1/stat" 2>/dev/null; }
    while up "$owner" && up "$pid"; do sleep 2; done
    if up "$pid"; then
      kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 1 20); do up "$pid" || exit 0; sleep 0.5; done
      kill -KILL "$pid" 2>/dev/null
    fi' corenlp-watchdog "$owner" "$pid" </dev/null >/dev/null 2>&1 &
}

cmd_start() {
  local port="${1:-${CORENLP_LOCAL_PORT:-9000}}"
  [[ "$port" =~ ^[0-9]+$ ]] || die "port must be a number (got '$port')"
  local pid
  if pid="$(running_pid)"; then
    local have
    have="$(cat "$PORT_FILE" 2>/dev/null || true)"
    if [[ "$have" == "$port" ]]; then
      log "already running (pid $pid) on 127.0.0.1:$port"
      echo "http://127.0.0.1:$port"
      return 0
    fi
    die "a CoreNLP server from $RUN_DIR is already running (pid $pid) on port $have; stop it first"
  fi
  cmd_fetch
  need_tools
  port_in_use "$port" && die "port $port on 127.0.0.1 is already in use"
  mkdir -p "$RUN_DIR"
  : >"$LOG_FILE"
  local t0=$SECONDS
  # The provider property makes the server listen on 127.0.0.1 only (it has no host option).
  # nodelay: the JDK's HTTP server writes a response's headers and body separately; without
  # TCP_NODELAY every answer on a kept-alive connection waited ~40 ms for the client's delayed ACK.
  setsid "$JAVA" "$HEAP" -XX:+UseParallelGC -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true \
    -Dsun.net.httpserver.nodelay=true \
    --add-exports jdk.httpserver/sun.net.httpserver=ALL-UNNAMED \
    -Dcom.sun.net.httpserver.HttpServerProvider=claimline.LoopbackHttpServerProvider \
    -cp "$LIBS/classes:$LIBS/*" edu.stanford.nlp.pipeline.StanfordCoreNLPServer \
    -port "$port" -timeout 30000 -threads "$THREADS" -maxCharLength "$MAX_CHARS" -preload "$ANNOTATORS" -depparse.numCached "$DEPPARSE_CACHE" -quiet true \
    </dev/null >>"$LOG_FILE" 2>&1 &
  pid=$!
  echo "$pid" >"$PID_FILE"
  echo "$port" >"$PORT_FILE"
  [[ -n "${CORENLP_LOCAL_OWNER_PID:-}" ]] && start_watchdog "$CORENLP_LOCAL_OWNER_PID" "$pid"
  local deadline=$((SECONDS + TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! alive "$pid"; then
      log "server exited during start-up; last lines of $LOG_FILE:"
      tail -n 40 "$LOG_FILE" >&2
      rm -f "$PID_FILE"
      die "CoreNLP failed to start on 127.0.0.1:$port"
    fi
    if ready "$port"; then
      log "ready on 127.0.0.1:$port in $((SECONDS - t0))s, pid $pid, log $LOG_FILE"
      echo "http://127.0.0.1:$port"
      return 0
    fi
    sleep 0.5
  done
  log "not ready after ${TIMEOUT}s; last lines of $LOG_FILE:"
  tail -n 40 "$LOG_FILE" >&2
  cmd_stop >/dev/null 2>&1 || true
  die "CoreNLP did not start within ${TIMEOUT}s"
}

cmd_stop() { stop_running 20; }

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    echo "corenlp: running, pid $pid, url http://127.0.0.1:$(cat "$PORT_FILE" 2>/dev/null), run dir $RUN_DIR"
    return 0
  fi
  echo "corenlp: stopped (run dir $RUN_DIR)"
  return 3
}

cmd_url() {
  running_pid >/dev/null || return 3
  echo "http://127.0.0.1:$(cat "$PORT_FILE")"
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
  *)
    sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
    [[ -z "${1:-}" || "$1" == -h || "$1" == --help || "$1" == help ]] || exit 2
    ;;
esac
