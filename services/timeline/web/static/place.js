/* Claimline: the control history of one place (/place/{name}?at=YYYY-MM-DD), from
 * GET /places/{name}: every capture/regain/control/loss claim with its claimant, modality and
 * source, a strip of the state over time, and the state on a chosen date. */
(function () {
  "use strict";

  var V = window.ClaimlineViews;
  var name = decodeURIComponent(window.location.pathname.replace(/^\/place\//, ""));
  var els = {};

  function holderClass(state) {
    if (state.status === "held") return state.holder === "UKR" || state.holder === "RUS" ? "held-" + state.holder : "held-other";
    return state.status;
  }

  function stateText(state) {
    if (!state) return "No claim of capture, control or loss of this place yet.";
    var head = state.status === "held" ? "held by " + state.holder
      : state.status === "contested" ? "contested" + (state.holder ? " (" + state.holder + " claims it)" : "") : "unknown";
    return "On " + state.at + ": " + head + (state.since ? " (by the claims of " + state.since + ")" : "");
  }

  function dayNumber(iso) { var p = iso.split("-"); return Date.UTC(+p[0], +p[1] - 1, +p[2]) / 86400000; }

  function strip(data, at) {
    var svg = els.strip, W = 900, H = 44;
    V.clear(svg);
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    var history = data.history;
    if (!history.length) return;
    var x0 = dayNumber(history[0].at) - 30;
    var end = at && at > history[history.length - 1].at ? at : history[history.length - 1].at;
    var x1 = Math.max(dayNumber(end) + 45, x0 + 60);
    var sx = function (d) { return 4 + (d - x0) / (x1 - x0) * (W - 8); };
    svg.appendChild(V.svg("rect", { class: "unknown", x: sx(x0), y: 4, width: sx(dayNumber(history[0].at)) - sx(x0), height: 20 }));
    history.forEach(function (state, i) {
      var a = sx(dayNumber(state.at)), b = i + 1 < history.length ? sx(dayNumber(history[i + 1].at)) : sx(x1);
      svg.appendChild(V.svg("rect", { class: "step " + holderClass(state), x: a.toFixed(1), y: 4, width: Math.max(b - a, 1).toFixed(1),
        height: 20, "data-at": state.at, "data-status": state.status }, V.svg("title", { text: stateText(state) + "\n" + state.reason })));
      svg.appendChild(V.svg("text", { class: "strip-label", x: (a + 2).toFixed(1), y: 38, text: state.at }));
    });
    if (at) {
      var xa = sx(dayNumber(at)).toFixed(1);
      svg.appendChild(V.svg("line", { class: "strip-at", x1: xa, x2: xa, y1: 0, y2: 28 }));
    }
  }

  function row(claim) {
    var entryLink = V.el("a", { href: "/#e-" + String(claim.entry_id).replace(/[^A-Za-z0-9_-]/g, "_") }, claim.date);
    var what = (claim.actor || "someone") + " " + claim.change + (claim.partial ? " (part)" : "") +
      (claim.locations.length ? " · " + claim.locations.join(", ") : "");
    var source = claim.source || "unknown outlet";
    return V.el("tr", { class: "control-claim " + claim.modality, "data-event-id": claim.event_id, "data-date": claim.date,
      "data-actor": claim.actor || "", "data-change": claim.change, "data-modality": claim.modality, "data-claimant": claim.claimant },
      V.el("td", null, entryLink),
      V.el("td", null, what),
      V.el("td", null, claim.holder || "—"),
      V.el("td", null, claim.claimant),
      V.el("td", null, claim.modality),
      V.el("td", null, V.el("a", { href: "/articles/" + encodeURIComponent(claim.article) }, source), " · " + claim.published_at),
      V.el("td", { class: "evidence-cell" }, "“" + claim.evidence + "”"));
  }

  function load() {
    var at = new URLSearchParams(window.location.search).get("at") || "";
    els.at.value = at;
    document.body.setAttribute("data-state", "loading");
    var url = "/places/" + encodeURIComponent(name) + (at ? "?at=" + encodeURIComponent(at) : "");
    els.json.setAttribute("href", url);
    return V.getJson(url).then(function (data) {
      document.title = "Claimline — " + (data.place.name || name);
      els.name.textContent = data.place.name || name;
      var facts = [data.place.kind, data.place.region ? "in " + data.place.region : null, data.place.country,
        data.place.lat !== null && data.place.lat !== undefined ? data.place.lat + ", " + data.place.lon : null].filter(Boolean);
      els.facts.textContent = facts.join(" · ") + " · " + data.claims.length + (data.claims.length === 1 ? " claim" : " claims");
      var state = data.state || data.latest;
      els.state.setAttribute("data-status", state ? state.status : "unknown");
      els.state.setAttribute("data-holder", state && state.holder ? state.holder : "");
      V.clear(els.state);
      els.state.appendChild(document.createTextNode(stateText(state)));
      if (state) els.state.appendChild(V.el("span", { class: "state-reason", text: state.reason }));
      strip(data, at);
      V.clear(els.tbody);
      data.claims.forEach(function (c) { els.tbody.appendChild(row(c)); });
      els.error.hidden = true;
    }).catch(function (error) {
      els.error.textContent = "Could not load this place: " + (error && error.message ? error.message : error);
      els.error.hidden = false;
    }).then(function () { document.body.setAttribute("data-state", "ready"); });
  }

  function init() {
    els.name = document.getElementById("place-name");
    els.facts = document.getElementById("place-facts");
    els.state = document.getElementById("place-state");
    els.strip = document.getElementById("strip");
    els.tbody = document.querySelector("#control-claims tbody");
    els.error = document.getElementById("error");
    els.at = document.getElementById("at-input");
    els.json = document.getElementById("place-json");
    document.getElementById("at-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var params = new URLSearchParams(window.location.search);
      if (els.at.value) params.set("at", els.at.value); else params.delete("at");
      var qs = params.toString();
      window.history.pushState(null, "", window.location.pathname + (qs ? "?" + qs : ""));
      load();
    });
    window.addEventListener("popstate", load);
    load();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
