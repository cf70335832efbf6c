#!/usr/bin/env bash
# Vendor the timeline page's browser libraries and basemap from the npm registry.
#
#   assets.sh build    npm ci (pinned by deploy/assets/package-lock.json, integrity-checked)
#                      into .cache/web-assets, then copy the files the page loads, with their
#                      licences, into services/timeline/web/static/vendor/ (git-ignored)
#   assets.sh check    exit 0 when every vendored file is in place, 3 when not
#
# What is copied (all ISC, see THIRD_PARTY.md): d3-array and d3-geo (projections and SVG
# paths), topojson-client (TopoJSON -> GeoJSON) and world-atlas' countries-50m.json and
# countries-110m.json (Natural Earth 1:50m and 1:110m country borders, public domain), and
# theatre-basemap.json: the theatre's borders pre-projected by deploy/assets/build-basemap.mjs.
# The page then needs no network at all.
# npm (and node) are apt-installed when missing.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SRC="$REPO/deploy/assets"
BUILD="${ASSETS_BUILD_DIR:-$REPO/.cache/web-assets}"
OUT="$REPO/services/timeline/web/static/vendor"

log() { echo "assets.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# destination name <- path under node_modules
FILES=(
  "d3-array.min.js:d3-array/dist/d3-array.min.js"
  "d3-geo.min.js:d3-geo/dist/d3-geo.min.js"
  "topojson-client.min.js:topojson-client/dist/topojson-client.min.js"
  "countries-50m.json:world-atlas/countries-50m.json"
  "countries-110m.json:world-atlas/countries-110m.json"
  "LICENSE-d3-array.txt:d3-array/LICENSE"
  "LICENSE-d3-geo.txt:d3-geo/LICENSE"
  "LICENSE-topojson-client.txt:topojson-client/LICENSE"
  "LICENSE-world-atlas.txt:world-atlas/LICENSE"
)

install_npm() {
  command -v npm >/dev/null 2>&1 && return 0
  log "npm is missing; installing nodejs and npm with apt-get"
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  (
    exec 9>/tmp/claimline-apt-npm.lock
    flock 9
    command -v npm >/dev/null 2>&1 && exit 0
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >/dev/null
  ) || die "apt-get install nodejs npm failed"
}

cmd_check() {
  local item
  for item in "${FILES[@]}"; do
    [[ -s "$OUT/${item%%:*}" ]] || return 3
  done
  [[ -s "$OUT/theatre-basemap.json" ]] || return 3
  cat "$SRC/package-lock.json" "$SRC/build-basemap.mjs" | cmp -s - "$OUT/.package-lock.json" || return 3
}

cmd_build() {
  if cmd_check; then return 0; fi
  install_npm
  mkdir -p "$BUILD" "$OUT"
  cp "$SRC/package.json" "$SRC/package-lock.json" "$SRC/build-basemap.mjs" "$BUILD/"
  log "npm ci in $BUILD"
  (cd "$BUILD" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || die "npm ci failed"
  local item
  for item in "${FILES[@]}"; do
    cp "$BUILD/node_modules/${item#*:}" "$OUT/${item%%:*}"
  done
  (cd "$BUILD" && node build-basemap.mjs node_modules/world-atlas/countries-50m.json "$OUT/theatre-basemap.json") \
    || die "building the theatre basemap failed"
  cat "$SRC/package-lock.json" "$SRC/build-basemap.mjs" > "$OUT/.package-lock.json"
  log "vendored into ${OUT#$REPO/}: $(cd "$OUT" && ls | tr '\n' ' ')"
}

case "${1:-build}" in
  build) cmd_build ;;
  check) cmd_check ;;
  *) die "usage: assets.sh build|check" ;;
esac
