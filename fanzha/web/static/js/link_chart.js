/* The link chart (关系图), Cytoscape.js served locally, in the manner of i2 Analyst's Notebook:
   nodes shaped and coloured by kind, edges labelled with the relation and its count or amount,
   tap a node for its details and evidence, double-tap (or 展开) to fetch its neighbours from the
   graph API, filter by relation kind and time, pick two nodes to highlight the shortest paths
   between them, and export the picture (PNG) or the data (JSON, CSV). Every export is reported
   to the server's audit log. The chart's data is already masked by the server. */
(function () {
  "use strict";
  var configEl = document.getElementById("chart-config");
  var container = document.getElementById("cy");
  if (!configEl || !container || !window.cytoscape) return;
  var config = JSON.parse(configEl.textContent);
  var W = JSON.parse(document.getElementById("chart-words").textContent);
  var L = config.labels;
  var API = "/api/analysis/graph";
  var KIND_STYLE = {
    "case": ["round-rectangle", "#1f3a93"], person: ["ellipse", "#2e86de"], phone: ["diamond", "#16a085"],
    account: ["rectangle", "#c0392b"], imei: ["hexagon", "#8e44ad"], mac: ["hexagon", "#9b59b6"],
    ip: ["triangle", "#7f8c8d"], url: ["tag", "#d35400"], app: ["round-pentagon", "#e67e22"],
    wechat: ["star", "#27ae60"], qq: ["vee", "#2980b9"]
  };
  var state = { selected: null, from: null, to: null, expanded: [], paths: [] };
  var statusEl = document.getElementById("chart-status");
  var detailsEl = document.getElementById("node-details");
  var evidenceEl = document.getElementById("node-evidence");
  var pathEl = document.getElementById("path-result");
  var endsEl = document.getElementById("path-ends");

  function word(key, params) {
    var text = W[key] || key;
    Object.keys(params || {}).forEach(function (k) { text = text.split("{" + k + "}").join(params[k]); });
    return text;
  }

  function yuan(fen) {
    var v = (fen || 0) / 100;
    return "¥" + v.toLocaleString(config.lang === "zh" ? "zh-CN" : "en", { maximumFractionDigits: 2 });
  }

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || ""; }
    catch (e) { return ""; }
  }

  var styles = [
    { selector: "node", style: {
      "label": "data(display)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 4,
      "text-wrap": "wrap", "text-max-width": 120, "width": 26, "height": 26, "color": "#1d2733",
      "font-family": '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif',
      "border-width": 1, "border-color": "#ffffff" } },
    { selector: "edge", style: {
      "label": "data(display)", "font-size": 8, "curve-style": "bezier", "target-arrow-shape": "triangle",
      "arrow-scale": 0.8, "width": "mapData(weight, 0, 10, 1, 5)", "line-color": "#9aa5b1",
      "target-arrow-color": "#9aa5b1", "color": "#4a5563", "text-rotation": "autorotate",
      "text-background-color": "#ffffff", "text-background-opacity": 0.8, "text-background-padding": 1 } },
    { selector: "node.focus", style: { "border-width": 4, "border-color": "#f1c40f" } },
    { selector: "node:selected", style: { "border-width": 4, "border-color": "#111827" } },
    { selector: "node.path-end", style: { "border-width": 5, "border-color": "#ff00aa" } },
    { selector: ".faded", style: { "opacity": 0.18 } },
    { selector: "node.on-path", style: { "border-width": 5, "border-color": "#ff00aa", "opacity": 1 } },
    { selector: "edge.on-path", style: { "line-color": "#ff00aa", "target-arrow-color": "#ff00aa", "width": 5,
                                         "opacity": 1, "z-index": 10 } }
  ];
  Object.keys(KIND_STYLE).forEach(function (kind) {
    styles.push({ selector: 'node[kind = "' + kind + '"]',
                  style: { "shape": KIND_STYLE[kind][0], "background-color": KIND_STYLE[kind][1] } });
  });
  var cy = window.cytoscape({ container: container, elements: [], style: styles, wheelSensitivity: 0.3,
                              minZoom: 0.1, maxZoom: 4 });
  window.linkChart = { cy: cy, state: state };

  function filterQuery() {
    var params = new URLSearchParams();
    var kinds = Array.prototype.slice.call(document.querySelectorAll("input[name=kinds]:checked"))
      .map(function (el) { return el.value; });
    var all = document.querySelectorAll("input[name=kinds]").length;
    if (kinds.length && kinds.length < all) params.set("kinds", kinds.join(","));
    ["since", "until"].forEach(function (name) {
      var el = document.getElementById("f-" + name);
      if (el && el.value) {
        params.set(name, el.value + (name === "since" ? "T00:00:00+08:00" : "T23:59:59+08:00"));
      }
    });
    return params;
  }

  function fetchChart(url, extra) {
    var params = filterQuery();
    Object.keys(extra || {}).forEach(function (k) { params.set(k, extra[k]); });
    var query = params.toString();
    statusEl.textContent = word("loading");
    return fetch(url + (query ? (url.indexOf("?") < 0 ? "?" : "&") + query : ""),
                 { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error(body.message + (body.problems || []).map(function (p) {
            return " · " + p.place + ": " + p.reason; }).join(""));
          return body;
        });
      });
  }

  function nodeData(n) {
    return { id: "n" + n.id, entity: n.id, kind: n.kind, raw: n,
             display: (L.entity[n.kind] || n.kind) + "\n" + n.label };
  }

  function edgeData(e) {
    var money = e.amount_fen ? " " + yuan(e.amount_fen) : "";
    return { id: "e" + e.id, source: "n" + e.source, target: "n" + e.target, kind: e.kind, raw: e,
             weight: Math.min(10, e.count || 1),
             display: (L.relation[e.kind] || e.kind) + " ×" + e.count + money };
  }

  function addChart(chart, around) {
    var added = [];
    var centre = around ? cy.getElementById("n" + around) : null;
    var origin = centre && centre.nonempty() ? centre.position() : null;
    var fresh = chart.nodes.filter(function (n) { return cy.getElementById("n" + n.id).empty(); });
    fresh.forEach(function (n, i) {
      var el = { group: "nodes", data: nodeData(n) };
      if (origin) {
        var angle = 2 * Math.PI * i / Math.max(1, fresh.length);
        var r = 90 + 6 * fresh.length;
        el.position = { x: origin.x + r * Math.cos(angle), y: origin.y + r * Math.sin(angle) };
      }
      added.push(el);
    });
    chart.edges.forEach(function (e) {
      if (cy.getElementById("e" + e.id).empty()) added.push({ group: "edges", data: edgeData(e) });
    });
    cy.add(added);
    (chart.focus || []).forEach(function (id) { cy.getElementById("n" + id).addClass("focus"); });
    var notes = (chart.notes || []).slice();
    if (chart.left_out) notes.unshift(word(chart.left_out_exact ? "left_out" : "left_out_more", { n: chart.left_out }));
    statusEl.textContent = word("counts", { nodes: cy.nodes().length, edges: cy.edges().length }) +
      (notes.length ? " · " + notes.join(" · ") : "");
    container.dataset.nodes = cy.nodes().length;
    return fresh.length;
  }

  function layoutAll() {
    cy.layout({ name: "cose", animate: false, fit: true, padding: 30, nodeRepulsion: function () { return 9000; },
                idealEdgeLength: function () { return 90; }, randomize: false }).run();
  }

  function load() {
    cy.elements().remove();
    clearPath();
    return fetchChart(config.source).then(function (chart) {
      addChart(chart);
      layoutAll();
      var again = state.expanded.slice();
      state.expanded = [];
      return again.reduce(function (p, id) { return p.then(function () { return expand(id); }); }, Promise.resolve());
    }).then(function () { container.dataset.ready = "1"; })
      .catch(function (err) { statusEl.textContent = err.message; container.dataset.ready = "error"; });
  }

  function expand(entityId) {
    return fetchChart(API + "/entities/" + entityId + "/neighbours").then(function (chart) {
      if (state.expanded.indexOf(entityId) < 0) state.expanded.push(entityId);
      var n = addChart(chart, entityId);
      cy.getElementById("n" + entityId).data("expanded", true);
      if (n) layoutAll();  // lay the new neighbours out with the rest, so none hides another
      container.dataset.expanded = state.expanded.join(",");
    }).catch(function (err) { statusEl.textContent = err.message; });
  }

  function li(text) {
    var item = document.createElement("li");
    item.textContent = text;
    return item;
  }

  function showNode(node) {
    state.selected = node.data("entity");
    var raw = node.data("raw");
    detailsEl.innerHTML = "";
    var dl = document.createElement("dl");
    dl.className = "node-facts";
    [[word("kind"), L.entity[raw.kind] || raw.kind], [word("label"), raw.label], ["ID", String(raw.id)],
     [word("seen"), (raw.first_seen || "—").slice(0, 10) + " ~ " + (raw.last_seen || "—").slice(0, 10)]]
      .forEach(function (pair) {
        var dt = document.createElement("dt"); dt.textContent = pair[0];
        var dd = document.createElement("dd"); dd.textContent = pair[1];
        dl.appendChild(dt); dl.appendChild(dd);
      });
    if (raw.case_id) {
      var dt = document.createElement("dt"); dt.textContent = word("case");
      var dd = document.createElement("dd");
      var a = document.createElement("a"); a.href = "/intake/cases/" + raw.case_id; a.textContent = word("open_case");
      dd.appendChild(a); dl.appendChild(dt); dl.appendChild(dd);
    }
    detailsEl.appendChild(dl);
    detailsEl.dataset.entity = raw.id;
    fetch(API + "/entities/" + raw.id, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        if (!d || state.selected !== raw.id) return;
        var p = document.createElement("p");
        p.className = "muted";
        p.textContent = word("relations", { out: d.relations_out, "in": d.relations_in });
        detailsEl.appendChild(p);
      });
    evidenceEl.innerHTML = "";
    node.connectedEdges().forEach(function (edge) {
      var e = edge.data("raw");
      var other = cy.getElementById(edge.data("source") === node.id() ? edge.data("target") : edge.data("source"));
      evidenceEl.appendChild(li((L.relation[e.kind] || e.kind) + " · " + other.data("raw").label + " · ×" + e.count +
        (e.amount_fen ? " " + yuan(e.amount_fen) : "") + " · " + (e.evidence.join(", ") || "—")));
    });
    ["expand-node", "path-from", "path-to"].forEach(function (id) { document.getElementById(id).disabled = false; });
  }

  function showEdge(edge) {
    var e = edge.data("raw");
    state.selected = null;
    detailsEl.innerHTML = "";
    detailsEl.dataset.entity = "";
    var p = document.createElement("p");
    p.textContent = cy.getElementById("n" + e.source).data("raw").label + " → " + (L.relation[e.kind] || e.kind) +
      " → " + cy.getElementById("n" + e.target).data("raw").label;
    detailsEl.appendChild(p);
    var q = document.createElement("p");
    q.className = "muted";
    q.textContent = "×" + e.count + (e.amount_fen ? " · " + yuan(e.amount_fen) : "") + " · " +
      (e.first_at || "—").slice(0, 16) + " ~ " + (e.last_at || "—").slice(0, 16);
    detailsEl.appendChild(q);
    evidenceEl.innerHTML = "";
    e.evidence.forEach(function (ref) { evidenceEl.appendChild(li(ref)); });
    ["expand-node", "path-from", "path-to"].forEach(function (id) { document.getElementById(id).disabled = true; });
  }

  function clearPath() {
    cy.elements().removeClass("faded on-path");
    pathEl.innerHTML = "";
    pathEl.dataset.paths = "";
    state.paths = [];
  }

  function showEnds() {
    cy.nodes().removeClass("path-end");
    var label = function (id) {
      var n = id ? cy.getElementById("n" + id) : null;
      if (n && n.nonempty()) n.addClass("path-end");
      return n && n.nonempty() ? n.data("raw").label : "—";
    };
    endsEl.textContent = word("ends", { a: label(state.from), b: label(state.to) });
  }

  function findPaths() {
    if (!state.from || !state.to) return Promise.resolve();
    clearPath();
    var hops = document.getElementById("f-hops");
    return fetchChart(API + "/paths/" + state.from + "/" + state.to, { max_hops: hops ? hops.value : 6 })
      .then(function (chart) {
        addChart(chart);
        state.paths = chart.paths;
        if (!chart.paths.length) {
          pathEl.textContent = (chart.notes || []).join(" · ") || word("no_path");
          return;
        }
        cy.elements().addClass("faded");
        var on = cy.collection();
        chart.paths.forEach(function (path) {
          for (var i = 0; i < path.length; i++) {
            on = on.union(cy.getElementById("n" + path[i]));
            if (i + 1 < path.length) {
              on = on.union(cy.getElementById("n" + path[i]).edgesWith(cy.getElementById("n" + path[i + 1])));
            }
          }
        });
        on.removeClass("faded").addClass("on-path");
        pathEl.innerHTML = "";
        var head = document.createElement("p");
        head.textContent = word("paths_found", { n: chart.paths.length, hops: chart.paths[0].length - 1 });
        pathEl.appendChild(head);
        var list = document.createElement("ol");
        chart.paths.forEach(function (path) {
          list.appendChild(li(path.map(function (id) { return cy.getElementById("n" + id).data("raw").label; })
            .join(" → ")));
        });
        pathEl.appendChild(list);
        pathEl.dataset.paths = JSON.stringify(chart.paths);
        cy.fit(on, 60);
        if (cy.zoom() > 1.5) { cy.zoom(1.5); cy.center(on); }
      })
      .catch(function (err) { pathEl.textContent = err.message; });
  }

  function download(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url; a.download = name; document.body.appendChild(a); a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
  }

  function audited(format) {
    fetch(API + "/exported", { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify({ subject: config.subject || "chart", format: format,
                             nodes: cy.nodes().length, edges: cy.edges().length }) });
  }

  function fileName(ext) { return "chart-" + String(config.subject || "chart").replace(":", "-") + "." + ext; }

  function currentData() {
    return { subject: config.subject, filter: Object.fromEntries(filterQuery()),
             nodes: cy.nodes().map(function (n) { return n.data("raw"); }),
             edges: cy.edges().map(function (e) { return e.data("raw"); }), paths: state.paths };
  }

  function csvCell(v) {
    var s = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function toCsv(data) {
    var rows = [["row", "id", "kind", "label", "source", "target", "count", "amount_fen", "first_at", "last_at", "evidence"]];
    data.nodes.forEach(function (n) { rows.push(["node", n.id, n.kind, n.label, "", "", "", "", n.first_seen, n.last_seen, ""]); });
    data.edges.forEach(function (e) {
      rows.push(["edge", e.id, e.kind, "", e.source, e.target, e.count, e.amount_fen, e.first_at, e.last_at, e.evidence.join(" ")]);
    });
    return "\ufeff" + rows.map(function (r) { return r.map(csvCell).join(","); }).join("\n") + "\n";
  }

  cy.on("tap", "node", function (evt) { showNode(evt.target); });
  cy.on("tap", "edge", function (evt) { showEdge(evt.target); });
  cy.on("dbltap", "node", function (evt) { expand(evt.target.data("entity")); });
  document.getElementById("expand-node").addEventListener("click", function () {
    if (state.selected) expand(state.selected);
  });
  document.getElementById("path-from").addEventListener("click", function () {
    state.from = state.selected; showEnds(); findPaths();
  });
  document.getElementById("path-to").addEventListener("click", function () {
    state.to = state.selected; showEnds(); findPaths();
  });
  document.getElementById("clear-path").addEventListener("click", function () {
    state.from = state.to = null; showEnds(); clearPath();
  });
  document.getElementById("apply-filter").addEventListener("click", function (evt) { evt.preventDefault(); load(); });
  document.getElementById("fit").addEventListener("click", function () { cy.fit(undefined, 30); });
  document.getElementById("relayout").addEventListener("click", layoutAll);
  document.getElementById("export-png").addEventListener("click", function () {
    download(cy.png({ output: "blob", bg: "#ffffff", full: true, scale: 2 }), fileName("png"));
    audited("png");
  });
  document.getElementById("export-json").addEventListener("click", function () {
    download(new Blob([JSON.stringify(currentData(), null, 1)], { type: "application/json" }), fileName("json"));
    audited("json");
  });
  document.getElementById("export-csv").addEventListener("click", function () {
    download(new Blob([toCsv(currentData())], { type: "text/csv;charset=utf-8" }), fileName("csv"));
    audited("csv");
  });
  showEnds();
  load();
})();
