/* Claimline timeline page: plain JS, no build step, no external resources.
 *
 * Reads GET /timeline (filters mirrored in the URL query string), renders entries grouped
 * by the month of their event time, opens an entry to show every claim side by side, and
 * follows GET /timeline/stream (server-sent events) to add or update entries in place.
 *
 * All text reaches the DOM through textContent / attributes, never innerHTML.
 */
(function () {
  "use strict";

  var DEFAULT_PAGE_SIZE = 50;
  var FILTER_KEYS = ["type", "actor", "location", "claimant", "contested", "from", "to", "q", "order"];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var NUMBER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

  var state = {
    filters: {},          // the active filters (from the URL)
    entries: new Map(),   // entry_id -> Entry, the rendered ones
    loadedIds: new Set(), // entry ids that came with the loaded pages
    pinned: new Set(),    // entry ids shown only because they were opened (permalink, map, chart)
    nextCursor: null,
    loading: false,
    generation: 0,        // bumps on every reload; stale responses are dropped
    controller: null,
    streamHadError: false,
    source: null,         // the live EventSource
    tokenTried: false     // a read token was entered in this page (a 401 now means a wrong one)
  };

  var els = {};

  // ---------------------------------------------------------------- DOM helpers

  /** h("div", {class: "x", "aria-expanded": "false"}, child, "text", [more]) */
  function h(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === "class") node.className = value;
        else if (key === "text") node.textContent = value;
        else if (key.slice(0, 2) === "on" && typeof value === "function") node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value === true ? "" : String(value));
      });
    }
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(typeof child === "string" || typeof child === "number"
      ? document.createTextNode(String(child)) : child);
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  // ---------------------------------------------------------------- formatting

  function parseDate(iso) {
    // "2025-01-06" -> {y, m (0-11), d}; no Date objects, so no time-zone shifts.
    var parts = String(iso || "").split("-");
    return { y: +parts[0], m: (+parts[1] || 1) - 1, d: +parts[2] || 1 };
  }

  function monthKey(iso) { return String(iso).slice(0, 7); }

  function monthLabel(key) {
    var d = parseDate(key + "-01");
    return MONTHS[d.m] + " " + d.y;
  }

  function fmtDay(d) { return d.d + " " + MONTHS_SHORT[d.m] + " " + d.y; }

  function season(d) {
    var m = d.m;
    if (m === 11) return "winter " + d.y + "/" + String((d.y + 1) % 100).padStart(2, "0");
    if (m <= 1) return "winter " + (d.y - 1) + "/" + String(d.y % 100).padStart(2, "0");
    if (m <= 4) return "spring " + d.y;
    if (m <= 7) return "summer " + d.y;
    return "autumn " + d.y;
  }

  function fmtAt(iso, granularity) {
    var d = parseDate(iso);
    switch (granularity) {
      case "year": return String(d.y);
      case "season": return season(d);
      case "month": return MONTHS_SHORT[d.m] + " " + d.y;
      case "week": return "week of " + fmtDay(d);
      default: return fmtDay(d);
    }
  }

  /** "Aug 2024 · month", "≈ summer 2024 · season", "reported 6 Jan 2025 (no event date)". */
  function fmtTime(entry) {
    var t = entry.time || {};
    if (entry.time_known === false || entry.report_date_only) {
      return "reported " + t.start + (t.end && t.end !== t.start ? " – " + t.end : "") + " (no event date)";
    }
    var g = t.granularity || "day";
    var text;
    if (g === "week" && daysBetween(t.start, t.end || t.start) > 6) {
      text = fmtAt(t.start, "day") + " – " + fmtAt(t.end, "day");  // a merged span of several weeks
    } else {
      var a = fmtAt(t.start, g);
      var b = g === "week" ? a : fmtAt(t.end || t.start, g);
      text = a === b ? a : a + " – " + b;
    }
    return (t.fuzzy ? "≈ " : "") + text + " · " + g;
  }

  function daysBetween(a, b) {
    var x = parseDate(a), y = parseDate(b);
    return Math.round((Date.UTC(y.y, y.m, y.d) - Date.UTC(x.y, x.m, x.d)) / 86400000);
  }

  function fmtNumber(value) {
    if (value === null || value === undefined) return "?";
    return NUMBER.format(value);
  }

  function humanKind(kind) {
    if (kind === "area_km2") return "area (km²)";
    if (kind === "area_sq_mi") return "area (sq mi)";
    return String(kind || "").replace(/_/g, " ");
  }

  function humanType(type) { return String(type || "event").replace(/_/g, " "); }

  /** "casualties 1,000–3,000 (UKR 3,000 · WEST 1,000)" */
  // Bound words for a figure given without its text: 'more than 3,000' is not '≈ 3,000'.
  var BOUND_WORDS = { about: "≈ ", at_least: "at least ", at_most: "at most " };
  var SCOPE_WORDS = { increment: "additional", single_action: "in one action" };

  // A figure as the claims give it (issue 10): each claimant's figure as written ('more than
  // 3,000', 'around 500 square miles'), its bound, what it counts (an increment, one action's
  // toll) and whether it is only expected; the comparable number stays in the title.
  function fmtFigure(figure) {
    var texts = figure.texts || {};
    var bounds = figure.bounds || {};
    var by = Object.keys(figure.by_claimant || {}).map(function (party) {
      return [party, figure.by_claimant[party]];
    }).sort(function (x, y) { return y[1] - x[1] || (x[0] < y[0] ? -1 : 1); })
      .map(function (pair) {
        var written = texts[pair[0]] || ((BOUND_WORDS[bounds[pair[0]]] || "") + fmtNumber(pair[1]));
        return pair[0] + " " + written;
      });
    var only = by.length === 1 ? Object.keys(figure.by_claimant)[0] : null;
    var range = figure.min === figure.max ? (BOUND_WORDS[only && bounds[only]] || "") + fmtNumber(figure.min)
      : fmtNumber(figure.min) + "–" + fmtNumber(figure.max);
    if (only && texts[only]) {
      // As written, and the comparable number when the text gives another unit or form:
      // 'around 500 square miles = 1,295'
      // a range as written ('10,000 to 12,000 troops') is not restated as its midpoint
      var writtenRange = /\d\s*(?:to|–|-)\s*\d/.test(texts[only]);
      range = writtenRange || texts[only].indexOf(fmtNumber(figure.min)) >= 0 ? texts[only] : texts[only] + " = " + range;
    }
    var label = humanKind(figure.kind);
    if (SCOPE_WORDS[figure.scope]) label += " (" + SCOPE_WORDS[figure.scope] + ")";
    var text = (figure.expected ? "expected: " : "") + label + " " + range;
    if (by.length > 1) text += " (" + by.join(" · ") + ")";
    else if (only) text += " (" + only + ")";
    if (figure.vague && figure.vague.length) text += "; also “" + figure.vague.join("”, “") + "”";
    return text;
  }

  function fmtQuantity(q) {
    var amount;
    if (q.value !== null && q.value !== undefined) amount = fmtNumber(q.value);
    else if (q.low !== null && q.low !== undefined) amount = fmtNumber(q.low) + "–" + fmtNumber(q.high);
    else amount = q.vague || "?";
    if (q.approx) amount = "≈ " + amount;
    var unit = q.unit ? " " + q.unit : "";
    return humanKind(q.kind) + ": " + amount + unit;
  }

  function fmtPlace(entry) {
    var locations = entry.locations || [];
    if (!locations.length) return entry.place && entry.place !== "-" ? entry.place : "";
    return locations.map(function (l) { return l.country ? l.name + " (" + l.country + ")" : l.name; }).join(", ");
  }

  function fmtActors(entry) {
    var parts = [];
    parts.push(entry.actor || "unknown party");
    if (entry.partners && entry.partners.length) parts.push("with " + entry.partners.join(", "));
    if (entry.against) parts.push("against " + entry.against);
    if (entry.recipient) parts.push("to " + entry.recipient);
    return parts.join(" ");
  }

  function entryTitle(entry) {
    if (entry.title) return entry.title;
    return (entry.actor || "Unknown party") + " " + humanType(entry.type);
  }

  function claimantLabel(claim) {
    var claimants = claim.claimants || [];
    if (!claimants.length) return [{ party: null, name: "the article itself" }];
    return claimants;
  }

  // ---------------------------------------------------------------- filters and URL

  function filtersFromUrl() {
    var params = new URLSearchParams(window.location.search);
    var filters = {};
    FILTER_KEYS.forEach(function (key) {
      var value = (params.get(key) || "").trim();
      if (value) filters[key] = value;
    });
    if (filters.order === "asc") delete filters.order;
    return filters;
  }

  /** Entries per page: ?limit=N (1-500) in the URL, else 50. Kept in shared URLs. */
  function pageSizeFromUrl() {
    var limit = parseInt(new URLSearchParams(window.location.search).get("limit") || "", 10);
    return limit >= 1 && limit <= 500 ? limit : DEFAULT_PAGE_SIZE;
  }

  function filtersFromForm() {
    var filters = {};
    ["type", "actor", "location", "claimant", "from", "to", "contested", "q", "order"].forEach(function (key) {
      var field = els.form.elements[key];
      var value = field ? String(field.value || "").trim() : "";
      if (value) filters[key] = value;
    });
    if (filters.order === "asc") delete filters.order;
    if (filters.q && filters.q.length < 2) delete filters.q;
    return filters;
  }

  function fillForm(filters) {
    ["type", "actor", "location", "claimant", "from", "to", "contested", "q"].forEach(function (key) {
      var field = els.form.elements[key];
      if (field) field.value = filters[key] || "";
    });
    els.form.elements.order.value = filters.order || "asc";
  }

  function queryString(filters, extra) {
    var params = new URLSearchParams();
    FILTER_KEYS.forEach(function (key) { if (filters[key]) params.set(key, filters[key]); });
    Object.keys(extra || {}).forEach(function (key) { if (extra[key]) params.set(key, extra[key]); });
    return params.toString();
  }

  function sameFilters(a, b) { return queryString(a) === queryString(b); }

  function describeFilters(filters) {
    var labels = { type: "type", actor: "actor", location: "place", claimant: "claimant", contested: "contested",
      from: "from", to: "to", q: "text" };
    return Object.keys(labels).filter(function (k) { return filters[k]; }).map(function (k) {
      var value = filters[k];
      if (k === "type") value = humanType(value);
      if (k === "contested") return value === "true" ? "contested only" : "uncontested only";
      if (k === "q") value = "“" + value + "”";
      return labels[k] + ": " + value;
    });
  }

  // ---------------------------------------------------------------- client-side filter (live updates)

  /** Whether an entry (from the stream) belongs in the current view. Mirrors the API's
   *  filters; a place filter is only approximated here and confirmed by the server. */
  function matchesFilters(entry, f) {
    if (f.type && entry.type !== f.type) return false;
    if (f.actor) {
      var actor = f.actor.toUpperCase();
      var actors = [entry.actor].concat(entry.partners || []).filter(Boolean).map(function (p) { return p.toUpperCase(); });
      if (actors.indexOf(actor) < 0) return false;
    }
    if (f.claimant) {
      var claimant = f.claimant.toLowerCase();
      var keys = (entry.claimant_keys || []).concat(entry.claimant_parties || []).map(function (k) { return String(k).toLowerCase(); });
      if (keys.indexOf(claimant) < 0) return false;
    }
    if (f.contested && String(!!entry.contested) !== f.contested) return false;
    if (f.from && entry.time.end < f.from) return false;
    if (f.to && entry.time.start > f.to) return false;
    if (f.q) {
      var needle = f.q.toLowerCase();
      var found = (entry.claims || []).some(function (c) {
        return (c.evidence || []).some(function (ev) { return String(ev.sentence).toLowerCase().indexOf(needle) >= 0; });
      });
      if (!found) return false;
    }
    if (f.location) {
      var place = f.location.toLowerCase();
      var near = (entry.locations || []).some(function (l) {
        var name = String(l.name || "").toLowerCase();
        return name.indexOf(place) >= 0 || place.indexOf(name) >= 0;
      }) || String(entry.place || "").toLowerCase().indexOf(place) >= 0;
      if (!near) return false;
    }
    return true;
  }

  /** The server's word on whether an entry matches the filters (for the place filter). */
  function serverMatches(entry, filters) {
    var probe = Object.assign({}, filters);
    delete probe.order;
    probe.from = filters.from && filters.from > entry.time.start ? filters.from : entry.time.start;
    probe.to = filters.to && filters.to < entry.time.end ? filters.to : entry.time.end;
    return fetchJson("/timeline?" + queryString(probe, { limit: "500" })).then(function (page) {
      return page.entries.some(function (e) { return e.entry_id === entry.entry_id; });
    });
  }

  // ---------------------------------------------------------------- API

  // A read token (CLAIMLINE_READ_TOKEN) makes every read answer 401 until the page sends
  // it: ask for it once, keep it in a SameSite=Strict cookie for this tab's session, so
  // fetches and the EventSource (which cannot set headers) carry it.
  var TOKEN_COOKIE = "claimline_read_token";

  function askForToken(rejected) {
    els.tokenMessage.textContent = rejected
      ? "That token was not accepted. Enter the read token to see the timeline."
      : "This timeline is private: enter the read token to see it.";
    els.tokenForm.hidden = false;
    els.timeline.setAttribute("aria-busy", "false");
    clear(els.timeline);
    showError("");
    els.tokenInput.focus();
  }

  function onTokenSubmit(event) {
    event.preventDefault();
    var value = els.tokenInput.value.trim();
    if (!value) return;
    document.cookie = TOKEN_COOKIE + "=" + encodeURIComponent(value) + "; path=/; SameSite=Strict";
    state.tokenTried = true;
    els.tokenInput.value = "";
    els.tokenForm.hidden = true;
    load(true);
    connectStream();
  }

  function fetchJson(url, signal) {
    return fetch(url, { headers: { Accept: "application/json" }, signal: signal, credentials: "same-origin" }).then(function (response) {
      if (response.status === 401) {
        askForToken(state.tokenTried);
        var unauthorized = new Error("a read token is required");
        unauthorized.name = "Unauthorized";
        throw unauthorized;
      }
      if (!response.ok) {
        return response.text().then(function (body) {
          var detail = body;
          try {
            var parsed = JSON.parse(body);
            detail = typeof parsed.detail === "string" ? parsed.detail : JSON.stringify(parsed.detail);
          } catch (e) { /* keep the raw body */ }
          throw new Error("HTTP " + response.status + ": " + String(detail).slice(0, 300));
        });
      }
      return response.json();
    });
  }

  // ---------------------------------------------------------------- rendering

  function renderFigureList(entry) {
    var figures = entry.figures || [];
    if (!figures.length) return null;
    return h("ul", { class: "figures" }, figures.map(function (figure) {
      return h("li", {
        class: "figure" + (figure.contested ? " figure-contested" : ""),
        "data-kind": figure.kind, "data-min": figure.min, "data-max": figure.max
      }, fmtFigure(figure));
    }));
  }

  // An entry resting only on expectations or denials says so (issue 10): never shown as fact.
  function renderStanding(entry) {
    if (!entry.standing || entry.standing === "reported") return null;
    var label = entry.standing === "denied" ? "denied only" : "expected only";
    return h("span", { class: "badge badge-standing badge-standing-" + entry.standing,
      title: entry.standing === "denied" ? "every claim behind this entry denies it"
        : "no claim says this happened; it is expected" }, label);
  }

  function renderContested(entry) {
    if (!entry.contested) return null;
    var reasons = entry.contested_reasons || [];
    return h("span", { class: "badge badge-contested", title: reasons.join("\n") || "contested" }, "contested");
  }

  function renderClaim(claim, index) {
    var claimants = claimantLabel(claim);
    var parties = claimants.map(function (c) { return c.party; }).filter(Boolean);
    var evidence = claim.evidence || [];
    var claimTime = claim.time || null;
    return h("li", { class: "claim modality-" + claim.modality, "data-event-id": claim.event_id,
      "data-claimants": parties.join(" "), "data-article": claim.article },
      h("div", { class: "claim-head" },
        h("span", { class: "claim-number", "aria-hidden": "true" }, String(index + 1)),
        h("span", { class: "claimants" }, claimants.map(function (c, i) {
          return h("span", { class: "claimant" },
            i ? ", " : "",
            c.party ? h("span", { class: "party" }, c.party) : null,
            h("span", { class: "claimant-name" }, c.name));
        })),
        h("span", { class: "badge badge-modality", title: "modality" }, claim.modality)),
      (claim.quantities && claim.quantities.length)
        ? h("ul", { class: "claim-quantities" }, claim.quantities.map(function (q) {
          return h("li", { class: "quantity", "data-kind": q.kind }, fmtQuantity(q));
        })) : null,
      evidence.length
        ? h("blockquote", { class: "evidence" }, evidence.map(function (ev) { return h("p", null, ev.sentence); }))
        : null,
      h("dl", { class: "claim-meta" },
        h("div", null, h("dt", null, "Outlet"), h("dd", { class: "claim-source" + (claim.source ? "" : " not-stated") },
          claim.source || "unknown outlet")),
        h("div", null, h("dt", null, "Source"), renderSourceUrl(claim)),
        h("div", null, h("dt", null, "Published"), renderPublished(claim)),
        claimTime ? h("div", null, h("dt", null, "Event time"), h("dd", null,
          claimTime.from_article_date ? "not stated" : fmtTime({ time: claimTime, time_known: true }) +
            (claimTime.text ? " (“" + claimTime.text + "”)" : ""))) : null,
        h("div", null, h("dt", null, "Article"), h("dd", null,
          h("a", { href: articleHref(claim), class: "article-link",
            title: "the article with this claim's evidence highlighted" }, claim.article)))));
  }

  /** The citable article view (HTML), scrolled to this claim's highlighted evidence. */
  function articleHref(claim) {
    return "/articles/" + encodeURIComponent(claim.article) + "?format=html#ev-" + encodeURIComponent(claim.event_id);
  }

  // ---------------------------------------------------------------- citing: source URL, publication date

  // A claim brief carries its outlet and date; the source URL and whether the date was only
  // inferred are the article's: read from GET /articles/{id} (once per article) when an
  // entry is opened, unless the claim carries them itself.
  var articleInfos = new Map();

  function articleInfo(articleId) {
    if (!articleInfos.has(articleId)) {
      var ask = fetchJson("/articles/" + encodeURIComponent(articleId)).then(function (answer) {
        var a = answer.article || {};
        return { url: a.url || null, source: a.source || null, inferred: !!a.published_at_inferred, title: a.title || null };
      });
      ask.catch(function () { articleInfos.delete(articleId); });
      articleInfos.set(articleId, ask);
    }
    return articleInfos.get(articleId);
  }

  function sourceLink(url, title) {
    var label = url;
    try { label = new URL(url).hostname.replace(/^www\./, "") + " ↗"; } catch (e) { /* not a URL: show it as it is */ }
    var safe = /^https?:\/\//i.test(url);
    return safe
      ? h("a", { class: "source-link", href: url, target: "_blank", rel: "noopener noreferrer",
        title: (title ? title + "\n" : "") + url }, label)
      : h("span", { class: "source-link-text" }, url);
  }

  function fillSourceUrl(dd, url, title) {
    clear(dd);
    dd.setAttribute("data-state", "ready");
    dd.classList.toggle("not-stated", !url);
    append(dd, url ? sourceLink(url, title) : "no source URL given");
  }

  function renderSourceUrl(claim) {
    var dd = h("dd", { class: "claim-url", "data-state": "pending" }, "…");
    if (claim.url !== undefined) fillSourceUrl(dd, claim.url, null);
    return dd;
  }

  function fillPublished(dd, published, inferred) {
    clear(dd);
    dd.setAttribute("data-state", "ready");
    dd.setAttribute("data-inferred", inferred ? "true" : "false");
    if (!published) { dd.classList.add("not-stated"); append(dd, "no publication date"); return; }
    append(dd, h("time", { datetime: published }, published));
    if (inferred) append(dd, h("span", { class: "date-inferred", title: "the article came without a publication date" },
      " (inferred: the article gave no date)"));
  }

  function renderPublished(claim) {
    var dd = h("dd", { class: "claim-date", "data-state": "pending" });
    append(dd, h("time", { datetime: claim.published_at }, claim.published_at));
    if (claim.published_at_inferred !== undefined) fillPublished(dd, claim.published_at, claim.published_at_inferred);
    return dd;
  }

  /** Fill each claim's source URL and date note from its article (an opened panel). */
  function fillSources(panel) {
    if (!panel) return;
    panel.querySelectorAll("li.claim").forEach(function (card) {
      var url = card.querySelector('.claim-url[data-state="pending"]');
      var date = card.querySelector('.claim-date[data-state="pending"]');
      if (!url && !date) return;
      articleInfo(card.getAttribute("data-article")).then(function (info) {
        if (url) fillSourceUrl(url, info.url, info.title);
        if (date) fillPublished(date, date.querySelector("time") && date.querySelector("time").getAttribute("datetime"), info.inferred);
      }, function () {
        if (url) { clear(url); url.setAttribute("data-state", "error"); append(url, "could not be read"); }
      });
    });
  }

  function renderClaims(entry, id) {
    var claims = entry.claims || [];
    return h("div", { class: "claims-panel", id: id, role: "region", "aria-label": "Claims behind " + entryTitle(entry) },
      renderPermalink(entry),
      entry.summary ? h("p", { class: "entry-summary" }, entry.summary) : null,
      h("ol", { class: "claims" }, claims.map(renderClaim)));
  }

  function domId(entryId) { return "e-" + String(entryId).replace(/[^A-Za-z0-9_-]/g, "_"); }

  // ---------------------------------------------------------------- permalinks

  /** The entry id a location hash names: "#e-<id>" (the form the page writes) or "#entry=<id>". */
  function entryIdFromHash(hash) {
    var value = String(hash || "").replace(/^#/, "");
    try { value = decodeURIComponent(value); } catch (e) { /* keep it raw */ }
    if (value.indexOf("entry=") === 0) return value.slice(6) || null;
    if (value.indexOf("e-") === 0) return value.slice(2) || null;
    return null;
  }

  /** An entry's permalink: the page without filters, opened on that entry (any entry, on any page). */
  function permalinkOf(entryId) {
    return window.location.origin + window.location.pathname + "#" + domId(entryId);
  }

  function copyText(text) {
    function fallback() {
      return new Promise(function (resolve, reject) {
        var area = h("textarea", { class: "copy-buffer", readonly: true, "aria-hidden": "true" });
        area.value = text;
        document.body.appendChild(area);
        area.select();
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        area.remove();
        if (ok) resolve(); else reject(new Error("the browser refused to copy"));
      });
    }
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text).catch(fallback);
    return fallback();
  }

  function renderPermalink(entry) {
    var link = permalinkOf(entry.entry_id);
    var status = h("span", { class: "copy-status", role: "status", "aria-live": "polite" });
    var button = h("button", { type: "button", class: "copy-link", "data-link": link,
      title: "Copy this entry's permalink", "aria-label": "Copy the link to this entry" }, "Copy link");
    button.addEventListener("click", function () {
      copyText(link).then(function () {
        status.textContent = "Link copied";
        status.setAttribute("data-copied", "true");
      }, function () {
        status.textContent = "Copy it by hand: " + link;
        status.setAttribute("data-copied", "false");
      });
    });
    return h("p", { class: "entry-permalink" },
      // the same link the button copies: the page without the filters in use, so it opens the
      // entry for anyone (a bare '#e-...' would keep this page's query)
      h("a", { class: "permalink", href: link, title: "Permalink to this entry" }, "Link to this entry"),
      " ", button, " ", status);
  }

  /** Mark the claim an entry node was opened for (data-target-event), e.g. from a chart point. */
  function markTarget(item) {
    var eventId = item.getAttribute("data-target-event");
    var found = null;
    item.querySelectorAll("li.claim").forEach(function (claim) {
      var hit = !!eventId && claim.getAttribute("data-event-id") === eventId;
      claim.classList.toggle("claim-target", hit);
      if (hit) found = claim;
    });
    return found;
  }

  function renderEntry(entry, open, targetEvent) {
    var id = domId(entry.entry_id);
    var claims = entry.claims || [];
    // A timeline page carries a few claims per entry; claims_total says how many exist.
    var total = Math.max(entry.claims_total || 0, claims.length);
    var outlets = new Set(claims.map(function (c) { return c.source || c.article; }));
    var actors = [entry.actor].concat(entry.partners || []).filter(Boolean);
    var place = fmtPlace(entry);
    var details = [];
    if (entry.change) details.push(entry.change);
    if (entry.movement && entry.movement !== "deployed") details.push(entry.movement);

    var toggle = h("button", {
      type: "button", class: "entry-toggle", "aria-expanded": open ? "true" : "false", "aria-controls": id + "-claims"
    },
      h("span", { class: "entry-line1" },
        h("span", { class: "type-tag type-" + entry.type }, humanType(entry.type)),
        h("span", { class: "entry-title" }, entryTitle(entry)),
        renderContested(entry), renderStanding(entry)),
      h("span", { class: "entry-meta" },
        h("span", { class: "meta meta-time" + (entry.time_known === false ? " unknown-time" : "") },
          h("span", { class: "meta-label" }, "when "), fmtTime(entry)),
        h("span", { class: "meta meta-actors" }, h("span", { class: "meta-label" }, "who "), fmtActors(entry)),
        place ? h("span", { class: "meta meta-place" }, h("span", { class: "meta-label" }, "where "), place) : null,
        details.length ? h("span", { class: "meta meta-detail" }, details.join(", ")) : null),
      h("span", { class: "entry-claims-count" },
        total + (total === 1 ? " claim" : " claims") +
        (total > claims.length ? "" : " · " + outlets.size + (outlets.size === 1 ? " source" : " sources")),
        h("span", { class: "chevron", "aria-hidden": "true" })));

    var panel = renderClaims(entry, id + "-claims");
    panel.hidden = !open;
    // A page carries claim briefs (first evidence span only): fetch the full entry on
    // opening unless every claim and every span is already here.
    var complete = total <= claims.length && claims.every(function (c) {
      return (c.evidence_total || 0) <= (c.evidence || []).length;
    });
    panel.setAttribute("data-full", complete ? "true" : "false");
    var pending = null;
    /** The full claims panel (fetched once; every claim and span), as a promise. The brief
     *  panel is replaced, so a marked claim is marked again in the new one. */
    function loadFull() {
      if (complete) return Promise.resolve(panel);
      if (!pending) {
        pending = fetchJson("/timeline/" + encodeURIComponent(entry.entry_id)).then(function (full) {
          var fresh = renderClaims(full, id + "-claims");
          fresh.setAttribute("data-full", "true");
          fresh.hidden = toggle.getAttribute("aria-expanded") !== "true";
          panel.replaceWith(fresh);
          panel = fresh;
          complete = true;
          markTarget(item);
          return panel;
        });
        pending.catch(function () { pending = null; });  // a later opening tries again
      }
      return pending;
    }
    toggle.addEventListener("click", function () {
      var expanded = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", expanded ? "false" : "true");
      panel.hidden = expanded;
      item.classList.toggle("open", !expanded);
      // An opened entry puts its permalink in the URL; closing it takes it out.
      if (!expanded) setHash(id);
      else if (window.location.hash === "#" + id) setHash(null);
      if (!expanded) loadFull().then(fillSources, function () { /* the briefs stay; fetchJson asked for a token if needed */ });
    });

    var reasons = entry.contested && (entry.contested_reasons || []).length
      ? h("ul", { class: "contested-reasons", "aria-label": "Why contested" },
        entry.contested_reasons.map(function (r) { return h("li", null, r); }))
      : null;

    var item = h("li", {
      class: "entry" + (entry.contested ? " contested" : "") + (open ? " open" : ""),
      id: id,
      "data-entry-id": entry.entry_id,
      "data-type": entry.type,
      "data-contested": entry.contested ? "true" : "false",
      "data-standing": entry.standing || "reported",
      "data-actors": actors.join(" "),
      "data-locations": (entry.locations || []).map(function (l) { return l.name; }).join("|"),
      "data-sort": entry.sort_score,
      "data-month": monthKey(entry.time.start)
    },
      h("span", { class: "rail-dot", "aria-hidden": "true" }),
      h("article", { class: "entry-card" },
        h("h3", { class: "entry-heading" }, toggle),
        renderFigureList(entry),
        reasons,
        panel));
    item.claimlineLoadFull = loadFull;
    if (targetEvent) { item.setAttribute("data-target-event", targetEvent); markTarget(item); }
    if (open) loadFull().then(fillSources, function () { /* keep the briefs */ });
    return item;
  }

  function setHash(nodeId) {
    var base = window.location.pathname + window.location.search;
    if (window.location.hash === (nodeId ? "#" + nodeId : "")) return;
    window.history.replaceState(window.history.state, "", nodeId ? base + "#" + nodeId : base);
  }

  function monthSection(key, create) {
    var existing = els.timeline.querySelector('section.month[data-month="' + key + '"]');
    if (existing || !create) return existing;
    var section = h("section", { class: "month", "data-month": key, "aria-labelledby": "m-" + key },
      h("h2", { class: "month-heading", id: "m-" + key }, monthLabel(key)),
      h("ol", { class: "entries" }));
    // Months in the view's order.
    var descending = state.filters.order === "desc";
    var sections = els.timeline.querySelectorAll("section.month");
    var before = null;
    for (var i = 0; i < sections.length; i++) {
      var other = sections[i].getAttribute("data-month");
      if (descending ? other < key : other > key) { before = sections[i]; break; }
    }
    els.timeline.insertBefore(section, before);
    return section;
  }

  function comesBefore(a, b) {
    // Entry order of the view: sort_score, ascending or descending.
    return state.filters.order === "desc" ? a > b : a < b;
  }

  /** Put an entry's node at its place (month section, then sort score). */
  function place(entry, node) {
    var section = monthSection(monthKey(entry.time.start), true);
    var list = section.querySelector("ol.entries");
    var items = list.children;
    var before = null;
    for (var i = 0; i < items.length; i++) {
      if (items[i] === node) continue;
      if (comesBefore(entry.sort_score, parseFloat(items[i].getAttribute("data-sort")))) { before = items[i]; break; }
    }
    list.insertBefore(node, before);
  }

  function removeEmptyMonths() {
    els.timeline.querySelectorAll("section.month").forEach(function (section) {
      if (!section.querySelector("li.entry")) section.remove();
    });
  }

  function upsert(entry, flash) {
    var old = document.getElementById(domId(entry.entry_id));
    var open = !!(old && old.classList.contains("open"));
    var node = renderEntry(entry, open, old && old.getAttribute("data-target-event"));
    if (old) {
      old.replaceWith(node);
      if (old.getAttribute("data-month") !== node.getAttribute("data-month") ||
          old.getAttribute("data-sort") !== node.getAttribute("data-sort")) {
        place(entry, node);
        removeEmptyMonths();
      }
    } else {
      place(entry, node);
    }
    state.entries.set(entry.entry_id, entry);
    if (flash) highlight(node);
    return node;
  }

  function removeEntry(entryId) {
    var node = document.getElementById(domId(entryId));
    if (node) node.remove();
    state.entries.delete(entryId);
    state.pinned.delete(entryId);
    state.loadedIds.delete(entryId);
    removeEmptyMonths();
  }

  function highlight(node) {
    node.classList.remove("flash");
    void node.offsetWidth; // restart the animation
    node.classList.add("flash");
    node.setAttribute("data-live", "true");
    window.setTimeout(function () { node.classList.remove("flash"); }, 2600);
  }

  function updateChrome() {
    var count = state.entries.size;
    els.timeline.querySelectorAll(".empty").forEach(function (n) { n.remove(); });
    if (!count && !state.loading) {
      els.timeline.appendChild(h("p", { class: "empty" },
        Object.keys(state.filters).length ? "No entries match these filters." : "No entries yet."));
    }
    els.count.textContent = count + (count === 1 ? " entry" : " entries") + (state.nextCursor ? " shown (more available)" : "");
    var active = describeFilters(state.filters);
    var order = state.filters.order === "desc" ? "newest first" : "oldest first";
    els.active.textContent = (active.length ? "Filtered by " + active.join(" · ") + " — " : "") + order;
    els.loadMore.hidden = !state.nextCursor;
    els.loadMore.disabled = state.loading;
    els.timeline.setAttribute("aria-busy", state.loading ? "true" : "false");
    document.body.setAttribute("data-entries", String(count));
    updateOptions();
  }

  function updateOptions() {
    var actors = new Set(), places = new Set();
    state.entries.forEach(function (e) {
      [e.actor].concat(e.partners || [], e.against ? [e.against] : []).forEach(function (p) { if (p) actors.add(p); });
      (e.locations || []).forEach(function (l) { if (l.name) places.add(l.name); });
    });
    fillDatalist(els.actorOptions, actors);
    fillDatalist(els.locationOptions, places);
  }

  function fillDatalist(list, values) {
    clear(list);
    Array.from(values).sort().forEach(function (v) { list.appendChild(h("option", { value: v })); });
  }

  function showError(message) {
    els.error.textContent = message || "";
    els.error.hidden = !message;
  }

  // ---------------------------------------------------------------- loading

  function load(reset) {
    if (reset) {
      state.generation++;
      if (state.controller) state.controller.abort();
    } else if (state.loading) {
      return Promise.resolve();
    }
    var generation = state.generation;
    var controller = window.AbortController ? new AbortController() : null;
    state.controller = controller;
    state.loading = true;
    document.body.setAttribute("data-state", "loading");
    updateChrome();
    // The map and the charts (views.js) follow the same filters.
    if (reset) document.dispatchEvent(new CustomEvent("claimline:filters", { detail: state.filters }));
    var extra = { limit: String(state.pageSize) };
    if (!reset && state.nextCursor) extra.cursor = state.nextCursor;
    return fetchJson("/timeline?" + queryString(state.filters, extra), controller && controller.signal)
      .then(function (page) {
        if (generation !== state.generation) return;
        if (reset) {
          clear(els.timeline);
          state.entries.clear();
          state.pinned.clear();
          state.loadedIds.clear();
        }
        page.entries.forEach(function (entry) {
          state.pinned.delete(entry.entry_id);
          state.loadedIds.add(entry.entry_id);
          upsert(entry, false);
        });
        state.nextCursor = page.next_cursor || null;
        showError("");
      })
      .catch(function (error) {
        if (generation !== state.generation || (error && error.name === "AbortError")) return;
        if (error && error.name === "Unauthorized") { state.nextCursor = null; return; }
        if (reset) { clear(els.timeline); state.entries.clear(); state.nextCursor = null; }
        showError("Could not load the timeline: " + (error && error.message ? error.message : error));
      })
      .then(function () {
        if (generation !== state.generation) return;
        state.loading = false;
        document.body.setAttribute("data-state", "ready");
        updateChrome();
        openFromHash();
      });
  }

  function applyFilters(filters, push) {
    var changed = !sameFilters(filters, state.filters);
    state.filters = filters;
    if (push && changed) {
      var qs = queryString(filters, state.pageSize !== DEFAULT_PAGE_SIZE ? { limit: String(state.pageSize) } : null);
      window.history.pushState(null, "", window.location.pathname + (qs ? "?" + qs : ""));
    }
    return load(true);
  }

  var hashDone = false;
  /** A permalink (#e-<id>) opens its entry, fetched when it is not on the loaded pages. */
  function openFromHash() {
    if (hashDone || !window.location.hash) return;
    hashDone = true;
    var entryId = entryIdFromHash(window.location.hash);
    if (!entryId) return;
    openEntry(entryId).catch(function (error) {
      if (error && error.name === "Unauthorized") return;
      var message = error && error.message ? error.message : String(error);
      showError(/HTTP 404/.test(message) ? "The linked entry " + entryId + " does not exist (any more)."
        : "Could not open the linked entry " + entryId + ": " + message);
    });
  }

  // ---------------------------------------------------------------- live updates

  /** Whether an entry sorts inside what has been loaded (beyond it, "load more" brings it). */
  function withinLoaded(entry) {
    if (!state.nextCursor) return true;
    var last = null;
    state.entries.forEach(function (e) {
      if (state.pinned.has(e.entry_id)) return;  // opened by a permalink, beyond the loaded pages
      if (last === null || comesBefore(last, e.sort_score)) last = e.sort_score;
    });
    return last === null || !comesBefore(last, entry.sort_score);
  }

  function onStreamEntry(entry) {
    var shown = state.entries.has(entry.entry_id);
    var filters = state.filters;
    if (!matchesFilters(entry, filters)) {
      if (shown) { removeEntry(entry.entry_id); updateChrome(); }
      return;
    }
    if (!shown && !withinLoaded(entry)) return;
    var confirm = filters.location ? serverMatches(entry, filters) : Promise.resolve(true);
    confirm.then(function (ok) {
      if (filters !== state.filters) return; // the view changed meanwhile
      if (ok) upsert(entry, true);
      else if (state.entries.has(entry.entry_id)) removeEntry(entry.entry_id);
      updateChrome();
    }).catch(function () { /* keep the view as it is */ });
  }

  function setLive(stateName, text) {
    els.live.setAttribute("data-state", stateName);
    els.liveText.textContent = text;
  }

  function connectStream() {
    if (!window.EventSource) { setLive("off", "live updates unavailable"); return; }
    if (state.source) state.source.close();
    var source = new EventSource("/timeline/stream");
    state.source = source;
    source.addEventListener("open", function () {
      setLive("live", "live");
      if (state.streamHadError) {
        // Changes may have been missed while disconnected: load the view again.
        state.streamHadError = false;
        load(true);
      }
    });
    source.addEventListener("error", function () {
      state.streamHadError = true;
      setLive(source.readyState === EventSource.CLOSED ? "off" : "reconnecting",
        source.readyState === EventSource.CLOSED ? "live updates stopped" : "reconnecting…");
    });
    source.addEventListener("entry", function (message) {
      var entry;
      try { entry = JSON.parse(message.data); } catch (e) { return; }
      if (entry && entry.entry_id) onStreamEntry(entry);
    });
    source.addEventListener("resync", function () {
      // The server dropped this stream as too slow: changes were missed, so reload the
      // view; the EventSource reconnects by itself.
      state.streamHadError = true;
    });
    source.addEventListener("entry_removed", function (message) {
      try {
        var data = JSON.parse(message.data);
        if (data && data.entry_id && state.entries.has(data.entry_id)) { removeEntry(data.entry_id); updateChrome(); }
      } catch (e) { /* ignore */ }
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  /** Open an entry in the list (fetched and added when it is not loaded), optionally one
   *  of its claims: what the map's markers and the charts' points do. */
  function openEntry(entryId, eventId) {
    var shown = document.getElementById(domId(entryId));
    var ready = shown ? Promise.resolve(shown) : fetchJson("/timeline/" + encodeURIComponent(entryId)).then(function (entry) {
      // Not in the loaded pages (a permalink, a point beyond page one): shown at its place,
      // without counting as loaded for the live updates.
      var node = upsert(entry, true);
      if (!state.loadedIds.has(entry.entry_id)) state.pinned.add(entry.entry_id);
      updateChrome();
      return node;
    });
    return ready.then(function (node) {
      document.querySelectorAll("li.entry[data-target-event]").forEach(function (other) {
        if (other !== node) { other.removeAttribute("data-target-event"); markTarget(other); }
      });
      if (eventId) node.setAttribute("data-target-event", eventId);
      else node.removeAttribute("data-target-event");
      markTarget(node);
      var toggle = node.querySelector(".entry-toggle");
      if (toggle && toggle.getAttribute("aria-expanded") !== "true") toggle.click();
      setHash(node.id);
      node.scrollIntoView({ block: "start" });
      // The brief panel is replaced by the full one: mark (and show) the claim once it is in.
      var full = node.claimlineLoadFull ? node.claimlineLoadFull() : Promise.resolve();
      return full.catch(function () { /* the briefs stay */ }).then(function () {
        var current = document.getElementById(node.id) || node;  // a live update may have re-rendered it
        var claim = markTarget(current);
        if (claim) claim.scrollIntoView({ block: "center" });
        return current;
      });
    });
  }

  window.ClaimlineApp = { openEntry: openEntry, filters: function () { return state.filters; } };

  // ---------------------------------------------------------------- start

  function debounce(fn, ms) {
    var timer = null;
    return function () { window.clearTimeout(timer); timer = window.setTimeout(fn, ms); };
  }

  function init() {
    els.form = document.getElementById("filters");
    els.timeline = document.getElementById("timeline");
    els.loadMore = document.getElementById("load-more");
    els.count = document.getElementById("result-count");
    els.active = document.getElementById("active-filters");
    els.error = document.getElementById("error");
    els.live = document.getElementById("live-status");
    els.liveText = els.live.querySelector(".live-text");
    els.actorOptions = document.getElementById("actor-options");
    els.locationOptions = document.getElementById("location-options");
    els.tokenForm = document.getElementById("token-form");
    els.tokenInput = document.getElementById("token-input");
    els.tokenMessage = document.getElementById("token-message");
    els.tokenForm.addEventListener("submit", onTokenSubmit);

    var fromForm = function () {
      var filters = filtersFromForm();
      if (!sameFilters(filters, state.filters)) applyFilters(filters, true);
    };
    els.form.addEventListener("submit", function (event) { event.preventDefault(); fromForm(); });
    ["type", "contested", "order", "from", "to"].forEach(function (key) {
      els.form.elements[key].addEventListener("change", fromForm);
    });
    var typed = debounce(fromForm, 400);
    ["q", "actor", "location", "claimant"].forEach(function (key) {
      els.form.elements[key].addEventListener("input", typed);
      els.form.elements[key].addEventListener("change", fromForm);
    });
    document.getElementById("reset-filters").addEventListener("click", function () {
      fillForm({});
      if (Object.keys(state.filters).length) applyFilters({}, true);
    });
    els.loadMore.addEventListener("click", function () { load(false); });
    window.addEventListener("hashchange", function () {
      // A permalink pasted into this page's address bar.
      var entryId = entryIdFromHash(window.location.hash);
      if (!entryId) return;
      hashDone = false;
      if (!state.loading) openFromHash();  // else the load opens it when done
    });
    window.addEventListener("popstate", function () {
      var filters = filtersFromUrl();
      fillForm(filters);
      state.pageSize = pageSizeFromUrl();
      applyFilters(filters, false);
    });

    state.filters = filtersFromUrl();
    state.pageSize = pageSizeFromUrl();
    fillForm(state.filters);
    load(true);
    connectStream();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
