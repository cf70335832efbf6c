/* Claimline: what the map (map.js) and the charts (charts.js) share.
 *
 * They read the same API as the list, with the same filters: every entry matching the page's
 * filters (GET /timeline, all pages of 500, claim briefs) is loaded once per filter change,
 * then handed to each view. app.js announces a filter change with the "claimline:filters"
 * event (this file is loaded before it, so the first one is heard too).
 */
(function () {
  "use strict";

  var VIEW_KEYS = ["type", "actor", "location", "claimant", "contested", "from", "to", "q"];
  // One colour per event type (also in the legends).
  var TYPE_COLORS = {
    offensive_launched: "#d95f02", offensive_repelled: "#7570b3", troops_deployed: "#1b9e77",
    territory_claimed: "#e7298a", casualties_claimed: "#a6761d", strike: "#e6ab02",
    diplomacy: "#1f78b4", military_aid: "#66a61e"
  };
  var SERIES_COLORS = ["#1f78b4", "#e31a1c", "#33a02c", "#ff7f00", "#6a3d9a", "#b15928", "#a6cee3", "#fb9a99",
    "#b2df8a", "#cab2d6"];
  var listeners = [];
  var current = { key: null, promise: null };

  function queryString(filters, extra) {
    var params = new URLSearchParams();
    VIEW_KEYS.forEach(function (k) { if (filters && filters[k]) params.set(k, filters[k]); });
    Object.keys(extra || {}).forEach(function (k) { if (extra[k]) params.set(k, extra[k]); });
    return params.toString();
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status + " for " + url);
      return r.json();
    });
  }

  /** Every entry matching the filters (all pages). */
  function entriesFor(filters) {
    var key = queryString(filters);
    if (current.key === key && current.promise) return current.promise;
    var found = [];
    function page(cursor) {
      return getJson("/timeline?" + queryString(filters, { limit: "500", cursor: cursor })).then(function (p) {
        found = found.concat(p.entries);
        return p.next_cursor ? page(p.next_cursor) : found;
      });
    }
    current = { key: key, promise: page(null) };
    current.promise.catch(function () { current = { key: null, promise: null }; });
    return current.promise;
  }

  function hasFilters(filters) {
    return VIEW_KEYS.some(function (k) { return filters && filters[k]; });
  }

  function onFilters(listener) { listeners.push(listener); }

  document.addEventListener("claimline:filters", function (event) {
    var filters = Object.assign({}, event.detail || {});
    var loading = entriesFor(filters);
    listeners.forEach(function (listener) { listener(filters, loading); });
  });

  var SVG_NS = "http://www.w3.org/2000/svg";
  /** svg("circle", {cx: 1}, children...) */
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") node.textContent = v;
      else node.setAttribute(k, String(v));
    });
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) node.appendChild(arguments[i]);
    return node;
  }

  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, String(v));
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function humanType(type) { return String(type || "event").replace(/_/g, " "); }

  function openEntry(entryId, eventId) {
    if (window.ClaimlineApp) return window.ClaimlineApp.openEntry(entryId, eventId);
    window.location.href = "/#e-" + String(entryId).replace(/[^A-Za-z0-9_-]/g, "_");
  }

  window.ClaimlineViews = {
    TYPE_COLORS: TYPE_COLORS, SERIES_COLORS: SERIES_COLORS, entriesFor: entriesFor, onFilters: onFilters,
    hasFilters: hasFilters, getJson: getJson, svg: svg, el: el, clear: clear, humanType: humanType,
    openEntry: openEntry, queryString: queryString
  };
})();
