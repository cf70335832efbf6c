// Pre-draws the map's theatre basemap at install time (run by deploy/local/assets.sh inside
// the npm install dir): Natural Earth 1:50m country borders from world-atlas, culled to the
// countries near the theatre, projected (conic conformal) and clipped to the map's frame, as
// SVG path strings. The page then only sets `d` attributes instead of projecting the world
// (about a second of work in the browser), and rebuilds the same projection from the
// parameters written here to place its markers.
import { readFileSync, writeFileSync } from "node:fs";
import { geoConicConformal, geoGraticule10, geoPath } from "d3-geo";
import * as topojson from "topojson-client";

const [input, output] = process.argv.slice(2);
const WIDTH = 640, HEIGHT = 440, PAD = 12;
const THEATRE = { type: "MultiPoint", coordinates: [[22, 44], [48, 44], [22, 57], [48, 57]] };
const BOX = [8, 36, 64, 66]; // lon/lat: countries with a border point inside are drawn

const topo = JSON.parse(readFileSync(input, "utf8"));
const t = topo.transform;
const near = (geometry) => {
  const arcs = [];
  (function collect(a) { if (typeof a === "number") arcs.push(a < 0 ? ~a : a); else if (a) a.forEach(collect); })(geometry.arcs);
  return arcs.some((index) => {
    let x = 0, y = 0;
    return topo.arcs[index].some(([dx, dy]) => {
      x += dx; y += dy;
      const lon = x * t.scale[0] + t.translate[0], lat = y * t.scale[1] + t.translate[1];
      return lon >= BOX[0] && lon <= BOX[2] && lat >= BOX[1] && lat <= BOX[3];
    });
  });
};
const kept = { type: "GeometryCollection", geometries: topo.objects.countries.geometries.filter(near) };
const projection = geoConicConformal().parallels([44, 56]).rotate([-35, 0])
  .fitExtent([[PAD, PAD], [WIDTH - PAD, HEIGHT - PAD]], THEATRE);
const framed = geoConicConformal().parallels([44, 56]).rotate([-35, 0])
  .scale(projection.scale()).translate(projection.translate()).clipExtent([[0, 0], [WIDTH, HEIGHT]]);
const path = geoPath(framed).digits(1);
const countries = topojson.feature(topo, kept).features
  .map((f) => ({ name: f.properties.name, d: path(f) }))
  .filter((c) => c.d);
writeFileSync(output, JSON.stringify({
  source: "world-atlas countries-50m.json (Natural Earth 1:50m, public domain)",
  width: WIDTH, height: HEIGHT,
  projection: { type: "conicConformal", parallels: [44, 56], rotate: [-35, 0], scale: projection.scale(),
                translate: projection.translate() },
  graticule: path(geoGraticule10()),
  countries,
}));
console.log(`basemap: ${countries.length} countries -> ${output}`);
