#!/usr/bin/env bash
# Debian's headless browser for the browser tests (tests/browser): chromium and its
# WebDriver, from apt only; nothing is downloaded from anywhere else.
#
#   browser.sh install    apt-get install chromium chromium-driver when either is missing (idempotent)
#   browser.sh check      exit 0 when both are installed, 3 when not; prints their versions
#
# Environment (optional):
#   CHROMIUM_BIN          the browser       (default: /usr/bin/chromium)
#   CHROMEDRIVER_BIN      its WebDriver     (default: /usr/bin/chromedriver)
set -euo pipefail

CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
CHROMEDRIVER_BIN="${CHROMEDRIVER_BIN:-/usr/bin/chromedriver}"

log() { echo "browser.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

installed() { [[ -x "$CHROMIUM_BIN" && -x "$CHROMEDRIVER_BIN" ]]; }

cmd_install() {
  installed && return 0
  command -v apt-get >/dev/null 2>&1 || die "no apt-get here: install chromium and chromium-driver by hand"
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  log "chromium or chromedriver is missing; installing them with apt-get"
  (
    # Two sessions installing at once take turns (dpkg fails on its lock instead of waiting).
    exec 9>/tmp/claimline-apt-browser.lock
    flock 9
    installed && exit 0
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      chromium chromium-driver fonts-dejavu-core >/dev/null
  )
  installed || die "apt-get finished but $CHROMIUM_BIN or $CHROMEDRIVER_BIN is still missing"
  log "installed: $("$CHROMIUM_BIN" --version 2>/dev/null || echo chromium)"
}

cmd_check() {
  if installed; then
    "$CHROMIUM_BIN" --version 2>/dev/null || true
    "$CHROMEDRIVER_BIN" --version 2>/dev/null || true
    return 0
  fi
  log "not installed ($CHROMIUM_BIN, $CHROMEDRIVER_BIN)"
  return 3
}

case "${1:-}" in
  install) cmd_install ;;
  check) cmd_check ;;
  *) echo "usage: $0 install|check" >&2; exit 2 ;;
esac
