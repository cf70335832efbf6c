/* Claimline: the map of located entries (offline: d3-geo + topojson-client + world-atlas'
 * Natural Earth countries, vendored by `make assets` into /static/vendor/).
 *
 * Every entry matching the page's filters that has a place gets a marker at its most precise
 * place (a settlement before its region, a region before its country): its own coordinates
 * (from the extractor), else the gazetteer's (GET /places?name=...). The colour is the entry's
 * type; a contested entry has a thick dark-red ring. Entries at one place are laid out in a
 * sunflower around it. Clicking a marker opens the entry in the list; the panel below lists
 * the entries at that place and links to its control history (/place/{name}).
 */
(function () {
  "use strict";

  var V = window.ClaimlineViews;
  var W = 640, H = 440;
  var placeInfo = new Map();   // name -> GET /places answer
  var basemaps = {};           // view -> Promise of the countries to draw (GeoJSON features)
  var basemap = null;          // the current view's
  var view = "theatre";
  var last = null;             // {filters, entries}
  var els = {};

  /** The theatre: Natural Earth 1:50m borders pre-projected at install time
   *  (deploy/assets/build-basemap.mjs -> theatre-basemap.json: SVG paths and the projection's
   *  parameters); the world view: 1:110m borders projected here. */
  function loadBasemap(which) {
    if (!window.d3 || !window.d3.geoPath || !window.topojson) {
      return Promise.reject(new Error("the map libraries are not installed (run `make assets`)"));
    }
    if (!basemaps[which]) {
      basemaps[which] = which === "theatre"
        ? V.getJson("/static/vendor/theatre-basemap.json")
        : V.getJson("/static/vendor/countries-110m.json").then(function (topo) {
          return { countries: window.topojson.feature(topo, topo.objects.countries).features };
        });
      basemaps[which].catch(function () { delete basemaps[which]; });
    }
    return basemaps[which];
  }

  function resolvePlaces(entries) {
    var wanted = [];
    entries.forEach(function (e) {
      (e.locations || []).forEach(function (l) {
        if (l.name && !placeInfo.has(l.name) && wanted.indexOf(l.name) < 0) wanted.push(l.name);
      });
    });
    if (!wanted.length) return Promise.resolve();
    var qs = wanted.slice(0, 300).map(function (n) { return "name=" + encodeURIComponent(n); }).join("&");
    return V.getJson("/places?" + qs).then(function (answer) {
      answer.places.forEach(function (p) { placeInfo.set(p.query, p); });
    });
  }

  /** The entry's most precise located places: [{name, lat, lon}]. */
  function markersOf(entry) {
    var located = (entry.locations || []).map(function (l) {
      var info = placeInfo.get(l.name) || {};
      var lat = l.lat !== null && l.lat !== undefined ? l.lat : info.lat;
      var lon = l.lon !== null && l.lon !== undefined ? l.lon : info.lon;
      var rank = info.rank === null || info.rank === undefined ? 3 : info.rank;
      return { name: info.name || l.name, lat: lat, lon: lon, rank: rank };
    }).filter(function (p) { return typeof p.lat === "number" && typeof p.lon === "number"; });
    if (!located.length) return [];
    var best = Math.min.apply(null, located.map(function (p) { return p.rank; }));
    var seen = {};
    return located.filter(function (p) {
      var key = p.lat.toFixed(2) + "," + p.lon.toFixed(2);
      if (p.rank !== best || seen[key]) return false;
      seen[key] = true;
      return true;
    });
  }

  function projectionFor(points) {
    var d3 = window.d3;
    if (view === "theatre") {
      var p = basemap.projection;
      return d3.geoConicConformal().parallels(p.parallels).rotate(p.rotate).scale(p.scale).translate(p.translate);
    }
    var target = points.length > 1 ? { type: "MultiPoint", coordinates: points } : { type: "Sphere" };
    var projection = d3.geoNaturalEarth1().fitExtent([[40, 40], [W - 40, H - 40]], target);
    return projection;
  }

  function render() {
    if (!last || !basemap) return;
    var d3 = window.d3;
    var entries = last.entries;
    var groups = new Map();      // place key -> {name, lat, lon, entries}
    var unlocated = 0;
    entries.forEach(function (entry) {
      var places = markersOf(entry);
      if (!places.length) { unlocated++; return; }
      places.forEach(function (p) {
        var key = p.lat.toFixed(2) + "," + p.lon.toFixed(2);
        if (!groups.has(key)) groups.set(key, { name: p.name, lat: p.lat, lon: p.lon, entries: [] });
        groups.get(key).entries.push(entry);
      });
    });
    var points = Array.from(groups.values()).map(function (g) { return [g.lon, g.lat]; });
    var projection = projectionFor(points);
    var path = d3.geoPath(projection);
    var map = els.map;
    V.clear(map);
    map.setAttribute("viewBox", "0 0 " + W + " " + H);
    map.appendChild(V.svg("rect", { class: "sea", x: 0, y: 0, width: W, height: H }));
    var land = V.svg("g", { class: "countries" });
    basemap.countries.forEach(function (f) {
      var d = f.d || path(f);  // pre-drawn (theatre) or projected here (world)
      var name = f.name || (f.properties && f.properties.name) || "";
      if (d) land.appendChild(V.svg("path", { d: d, class: "country" }, V.svg("title", { text: name })));
    });
    map.appendChild(land);
    map.appendChild(V.svg("path", { class: "graticule", d: basemap.graticule || path(d3.geoGraticule10()) }));

    var layer = V.svg("g", { class: "markers" });
    var labels = V.svg("g", { class: "place-labels" });
    var shown = 0, outside = 0;
    Array.from(groups.values()).sort(function (a, b) { return b.entries.length - a.entries.length; }).forEach(function (g) {
      var xy = projection([g.lon, g.lat]);
      if (!xy || xy[0] < 0 || xy[0] > W || xy[1] < 0 || xy[1] > H) { outside += g.entries.length; return; }
      var sorted = g.entries.slice().sort(function (a, b) { return a.sort_score - b.sort_score; });
      var place = V.svg("g", { class: "place", "data-place": g.name });
      sorted.forEach(function (entry, i) {
        var r = i ? 4.6 * Math.sqrt(i) : 0, a = i * 2.39996;
        var marker = V.svg("circle", {
          class: "marker" + (entry.contested ? " marker-contested" : ""),
          cx: (xy[0] + r * Math.cos(a)).toFixed(1), cy: (xy[1] + r * Math.sin(a)).toFixed(1), r: 4.2,
          fill: V.TYPE_COLORS[entry.type] || "#777", tabindex: 0, role: "button",
          "data-entry-id": entry.entry_id, "data-type": entry.type, "data-contested": entry.contested ? "true" : "false",
          "data-place": g.name, "aria-label": V.humanType(entry.type) + ", " + (entry.title || "") + ", " + g.name
        }, V.svg("title", { text: (entry.title || V.humanType(entry.type)) + "\n" + g.name + " · " +
          entry.time.start + (entry.contested ? " · contested" : "") }));
        marker.addEventListener("click", function () { select(g, entry); });
        marker.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); select(g, entry); } });
        place.appendChild(marker);
        shown++;
      });
      layer.appendChild(place);
      if (sorted.length >= 2 || groups.size <= 12) {
        var spread = sorted.length > 1 ? 4.6 * Math.sqrt(sorted.length - 1) : 0;
        labels.appendChild(V.svg("text", { class: "place-label", x: (xy[0] + spread + 7).toFixed(1),
          y: (xy[1] + 4).toFixed(1), text: g.name + (sorted.length > 1 ? " (" + sorted.length + ")" : "") }));
      }
    });
    map.appendChild(labels);
    map.appendChild(layer);
    var located = entries.length - unlocated;
    els.summary.textContent = located + (located === 1 ? " located entry" : " located entries") + " at " + groups.size +
      (groups.size === 1 ? " place" : " places") + (outside ? "; " + outside + " outside this view" : "") +
      (unlocated ? "; " + unlocated + " without a place" : "") + ".";
    els.panel.setAttribute("data-markers", String(shown));
    els.panel.setAttribute("data-state", "ready");
    if (window.performance && performance.mark) performance.mark("claimline-map-ready");
  }

  function select(group, entry) {
    var d = els.detail;
    V.clear(d);
    d.hidden = false;
    d.appendChild(V.el("p", { class: "map-detail-head" }, V.el("strong", { text: group.name }), " · ",
      String(group.entries.length) + (group.entries.length === 1 ? " entry" : " entries") + " · ",
      V.el("a", { href: "/place/" + encodeURIComponent(group.name), class: "place-link" }, "control history")));
    var list = V.el("ul", { class: "map-detail-list" });
    group.entries.forEach(function (e) {
      var button = V.el("button", { type: "button", class: "link-button", "data-entry-id": e.entry_id },
        V.el("span", { class: "swatch swatch-" + e.type }),
        e.time.start + " · " + (e.title || V.humanType(e.type)) + (e.contested ? " · contested" : ""));
      button.addEventListener("click", function () { V.openEntry(e.entry_id); });
      list.appendChild(V.el("li", e.entry_id === (entry && entry.entry_id) ? { class: "current" } : null, button));
    });
    d.appendChild(list);
    if (entry) V.openEntry(entry.entry_id);
  }

  function legend() {
    var box = els.legend;
    V.clear(box);
    Object.keys(V.TYPE_COLORS).forEach(function (type) {
      box.appendChild(V.el("span", { class: "legend-item" }, V.el("span", { class: "swatch swatch-" + type }), V.humanType(type)));
    });
    box.appendChild(V.el("span", { class: "legend-item" }, V.el("span", { class: "swatch swatch-contested" }), "contested"));
  }

  function show(filters, loading) {
    els.panel.setAttribute("data-state", "loading");
    Promise.all([loadBasemap(view), loading.then(function (entries) {
      return resolvePlaces(entries).then(function () { return entries; });
    })]).then(function (done) {
      basemap = done[0];
      last = { filters: filters, entries: done[1] };
      render();
    }).catch(function (error) {
      els.summary.textContent = "The map could not be drawn: " + (error && error.message ? error.message : error);
      els.panel.setAttribute("data-state", "error");
    });
  }

  function init() {
    els.panel = document.getElementById("map-panel");
    if (!els.panel) return false;
    els.map = document.getElementById("map");
    els.summary = document.getElementById("map-summary");
    els.legend = document.getElementById("map-legend");
    els.detail = document.getElementById("map-detail");
    legend();
    els.panel.querySelectorAll("[data-view]").forEach(function (button) {
      button.addEventListener("click", function () {
        view = button.getAttribute("data-view");
        els.panel.querySelectorAll("[data-view]").forEach(function (b) {
          b.setAttribute("aria-pressed", b === button ? "true" : "false");
        });
        els.panel.setAttribute("data-view", view);
        els.panel.setAttribute("data-state", "loading");
        loadBasemap(view).then(function (features) { basemap = features; render(); });
      });
    });
    return true;
  }

  var ready = false;
  V.onFilters(function (filters, loading) {
    if (!ready) ready = init();
    if (ready) show(filters, loading);
  });
})();
