/* Claimline: figure charts. One chart per subject of GET /figures (PRK troops, PRK
 * casualties, ...) and one of claimed territory (GET /areas?actor=UKR, km²): every claimed
 * value by the day it was published, one series (colour) per claimant. A range is drawn as a
 * range (a bar from low to high), estimates as ◆, expectations as △, denials as ✕,
 * approximate values hollow. Each point links to its claim (opens it in the list; without
 * JavaScript, /events/{id}). The page's filters apply: a point shows when its entry is in
 * the filtered timeline and, with a claimant filter, when that claimant made it.
 */
(function () {
  "use strict";

  var V = window.ClaimlineViews;
  var W = 560, H = 230, M = { top: 14, right: 16, bottom: 34, left: 64 };
  var METRIC_ORDER = ["troops", "casualties", "killed", "wounded", "captured"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var NUMBER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
  var AREA_ACTORS = ["UKR"];
  var cache = null;   // Promise of [{subject, points}] (the unfiltered series; loaded once per page)
  var els = {};

  function loadSeries() {
    if (cache) return cache;
    cache = V.getJson("/figures").then(function (listing) {
      var subjects = listing.subjects.filter(function (s) { return s.actor && s.numeric_points > 0; })
        .sort(function (a, b) {
          return (METRIC_ORDER.indexOf(a.metric) - METRIC_ORDER.indexOf(b.metric)) || (a.actor < b.actor ? -1 : 1);
        });
      var asks = subjects.map(function (s) {
        return V.getJson("/figures?subject=" + encodeURIComponent(s.subject)).then(function (answer) {
          return { subject: answer.subject, unit: s.metric === "troops" ? "troops" : s.metric, points: answer.points };
        });
      });
      AREA_ACTORS.forEach(function (actor) {
        asks.push(V.getJson("/areas?actor=" + actor).then(function (answer) {
          return { subject: answer.subject, unit: "km²", points: answer.points };
        }));
      });
      return Promise.all(asks);
    });
    cache.catch(function () { cache = null; });
    return cache;
  }

  function dayNumber(iso) {
    var p = String(iso).split("-");
    return Date.UTC(+p[0], +p[1] - 1, +p[2]) / 86400000;
  }

  function isoOf(day) { return new Date(day * 86400000).toISOString().slice(0, 10); }

  function niceMax(value) {
    if (!(value > 0)) return 1;
    var step = Math.pow(10, Math.floor(Math.log10(value)));
    var ratio = value / step;
    return (ratio <= 1 ? 1 : ratio <= 2 ? 2 : ratio <= 5 ? 5 : 10) * step;
  }

  function shapeOf(point) {
    if (point.modality === "estimated") return "diamond";
    if (point.modality === "expected") return "triangle";
    if (point.modality === "denied") return "cross";
    return "circle";
  }

  function marker(shape, x, y, color, hollow) {
    var s = 5;
    var attrs = { class: "point-mark", fill: hollow ? "#fff" : color, stroke: color, "stroke-width": 1.6 };
    if (shape === "diamond") {
      attrs.d = "M" + x + "," + (y - s - 1) + "L" + (x + s + 1) + "," + y + "L" + x + "," + (y + s + 1) + "L" + (x - s - 1) + "," + y + "Z";
      return V.svg("path", attrs);
    }
    if (shape === "triangle") {
      attrs.d = "M" + x + "," + (y - s - 1) + "L" + (x + s + 1) + "," + (y + s) + "L" + (x - s - 1) + "," + (y + s) + "Z";
      return V.svg("path", attrs);
    }
    if (shape === "cross") {
      attrs.d = "M" + (x - s) + "," + (y - s) + "L" + (x + s) + "," + (y + s) + "M" + (x - s) + "," + (y + s) + "L" + (x + s) + "," + (y - s);
      attrs["stroke-width"] = 2.4;
      return V.svg("path", attrs);
    }
    attrs.cx = x; attrs.cy = y; attrs.r = s;
    return V.svg("circle", attrs);
  }

  function describe(p) {
    var amount = p.value !== null && p.value !== undefined ? NUMBER.format(p.value)
      : p.low !== null && p.low !== undefined ? NUMBER.format(p.low) + "–" + NUMBER.format(p.high) : (p.vague || "?");
    return p.claimant + " (" + p.modality + "): " + (p.approx ? "≈ " : "") + amount + " " + String(p.kind).replace(/_/g, " ") +
      " · published " + p.published_at + (p.source ? " · " + p.source : "") + "\n“" + p.evidence + "”";
  }

  function chart(series, filters, entryIds) {
    var claimant = (filters.claimant || "").toLowerCase();
    var points = series.points.filter(function (p) {
      if (entryIds && !entryIds.has(p.entry_id)) return false;
      if (claimant && p.claimant_parties.map(function (c) { return c.toLowerCase(); }).indexOf(claimant) < 0 &&
          p.claimant.toLowerCase().indexOf(claimant) < 0) return false;
      return true;
    });
    var numeric = points.filter(function (p) { return p.mid !== null && p.mid !== undefined; });
    var vague = points.length - numeric.length;
    var figure = V.el("figure", { class: "chart", "data-subject": series.subject, "data-points": String(numeric.length) });
    figure.appendChild(V.el("figcaption", null, V.el("strong", { text: series.subject }),
      " · " + numeric.length + (numeric.length === 1 ? " claimed value" : " claimed values") +
      (vague ? " (+" + vague + " without a number)" : "")));
    if (!numeric.length) {
      figure.appendChild(V.el("p", { class: "panel-note", text: "No claimed value matches the filters." }));
      return figure;
    }
    var days = numeric.map(function (p) { return dayNumber(p.published_at); });
    var x0 = Math.min.apply(null, days) - 20, x1 = Math.max.apply(null, days) + 20;
    var top = niceMax(Math.max.apply(null, numeric.map(function (p) {
      return Math.max(p.high !== null && p.high !== undefined ? p.high : p.mid, p.mid);
    })) * 1.08);
    var iw = W - M.left - M.right, ih = H - M.top - M.bottom;
    var sx = function (d) { return M.left + (d - x0) / (x1 - x0) * iw; };
    var sy = function (v) { return M.top + ih - v / top * ih; };
    var root = V.svg("svg", { class: "chart-svg", viewBox: "0 0 " + W + " " + H, role: "img",
      "aria-label": series.subject + ": claimed values over time" });
    var axes = V.svg("g", { class: "axes" });
    for (var i = 0; i <= 4; i++) {
      var v = top * i / 4, y = sy(v).toFixed(1);
      axes.appendChild(V.svg("line", { class: "grid", x1: M.left, x2: W - M.right, y1: y, y2: y }));
      axes.appendChild(V.svg("text", { class: "tick", x: M.left - 6, y: +y + 4, "text-anchor": "end", text: NUMBER.format(v) }));
    }
    var first = new Date(x0 * 86400000), span = x1 - x0;
    var stepMonths = span > 900 ? 6 : span > 400 ? 3 : span > 150 ? 2 : 1;
    var m = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1));
    while (m.getTime() / 86400000 <= x1) {
      if (m.getUTCMonth() % stepMonths === 0) {
        var xm = sx(m.getTime() / 86400000).toFixed(1);
        axes.appendChild(V.svg("line", { class: "xtick", x1: xm, x2: xm, y1: M.top + ih, y2: M.top + ih + 4 }));
        axes.appendChild(V.svg("text", { class: "tick", x: xm, y: M.top + ih + 16, "text-anchor": "middle",
          text: MONTHS[m.getUTCMonth()] + (m.getUTCMonth() === 0 || stepMonths > 1 ? " " + String(m.getUTCFullYear()).slice(2) : "") }));
      }
      m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1));
    }
    axes.appendChild(V.svg("line", { class: "axis", x1: M.left, x2: W - M.right, y1: M.top + ih, y2: M.top + ih }));
    axes.appendChild(V.svg("text", { class: "axis-label", x: M.left, y: H - 4, text: "published " + isoOf(x0 + 20) + " – " + isoOf(x1 - 20) }));
    root.appendChild(axes);

    var bySeries = new Map();
    numeric.forEach(function (p) {
      if (!bySeries.has(p.claimant)) bySeries.set(p.claimant, []);
      bySeries.get(p.claimant).push(p);
    });
    var legend = V.el("p", { class: "legend chart-legend" });
    Array.from(bySeries.keys()).forEach(function (name, index) {
      var color = V.SERIES_COLORS[index % V.SERIES_COLORS.length];
      var own = bySeries.get(name).slice().sort(function (a, b) { return a.published_at < b.published_at ? -1 : 1; });
      var group = V.svg("g", { class: "series", "data-claimant": name });
      if (own.length > 1) {
        group.appendChild(V.svg("polyline", { class: "series-line", stroke: color, fill: "none",
          points: own.map(function (p) { return sx(dayNumber(p.published_at)).toFixed(1) + "," + sy(p.mid).toFixed(1); }).join(" ") }));
      }
      own.forEach(function (p) {
        var px = +sx(dayNumber(p.published_at)).toFixed(1), py = +sy(p.mid).toFixed(1);
        var ranged = p.low !== null && p.low !== undefined && p.high !== null && p.high !== undefined && p.low !== p.high;
        var link = V.svg("a", { href: "/events/" + encodeURIComponent(p.event_id), class: "point" + (ranged ? " point-range" : ""),
          "data-event-id": p.event_id, "data-entry-id": p.entry_id, "data-modality": p.modality,
          "data-claimant": p.claimant, "data-value": p.mid, "data-low": ranged ? p.low : null, "data-high": ranged ? p.high : null });
        if (ranged) {
          var ya = sy(p.low).toFixed(1), yb = sy(p.high).toFixed(1);
          link.appendChild(V.svg("line", { class: "range", x1: px, x2: px, y1: ya, y2: yb, stroke: color }));
          link.appendChild(V.svg("line", { class: "range", x1: px - 5, x2: px + 5, y1: ya, y2: ya, stroke: color }));
          link.appendChild(V.svg("line", { class: "range", x1: px - 5, x2: px + 5, y1: yb, y2: yb, stroke: color }));
        }
        link.appendChild(marker(shapeOf(p), px, py, color, p.approx || !!p.vague));
        link.appendChild(V.svg("title", { text: describe(p) }));
        link.addEventListener("click", function (ev) { ev.preventDefault(); V.openEntry(p.entry_id, p.event_id); });
        group.appendChild(link);
      });
      root.appendChild(group);
      legend.appendChild(V.el("span", { class: "legend-item" }, V.el("span", { class: "swatch swatch-series-" + (index % V.SERIES_COLORS.length) }), name));
    });
    figure.appendChild(root);
    figure.appendChild(legend);
    return figure;
  }

  function show(filters, loading) {
    els.panel.setAttribute("data-state", "loading");
    Promise.all([loadSeries(), loading]).then(function (done) {
      var entryIds = V.hasFilters(filters) ? new Set(done[1].map(function (e) { return e.entry_id; })) : null;
      V.clear(els.charts);
      done[0].forEach(function (series) { els.charts.appendChild(chart(series, filters, entryIds)); });
      if (!done[0].length) els.charts.appendChild(V.el("p", { class: "panel-note", text: "No figures claimed yet." }));
      els.panel.setAttribute("data-state", "ready");
      if (window.performance && performance.mark) performance.mark("claimline-charts-ready");
    }).catch(function (error) {
      V.clear(els.charts);
      els.charts.appendChild(V.el("p", { class: "error", text: "The charts could not be drawn: " + (error && error.message ? error.message : error) }));
      els.panel.setAttribute("data-state", "error");
    });
  }

  var ready = false;
  V.onFilters(function (filters, loading) {
    if (!ready) {
      els.panel = document.getElementById("charts-panel");
      els.charts = document.getElementById("charts");
      ready = !!els.panel;
    }
    if (ready) show(filters, loading);
  });
})();
