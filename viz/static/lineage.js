/* Directive lineage views: draws the graphs embedded as JSON, the side panel
 * and the live search. Text from documents is only ever written with
 * textContent; node tooltips are HTML built (and escaped) by the server. */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.append(c); });
    return e;
  }

  function tooltip(html) {
    // The server html-escapes every document string in a title (viz/network.py).
    var div = document.createElement("div");
    div.innerHTML = html;
    return div;
  }

  function readData(id) {
    var script = document.getElementById(id);
    return script ? JSON.parse(script.textContent) : null;
  }

  function planUrl(id) { return "/view/plans/" + encodeURIComponent(id); }
  function apiUrl(id) { return "/api/plans/" + encodeURIComponent(id); }

  function showPlan(panel, info, nodes) {
    panel.replaceChildren();
    panel.append(el("h2", { text: info.number || "không số" }));
    var dl = el("dl");
    [["date", info.date], ["type", info.doc_type], ["issuer", info.issuer],
     ["province", info.province], ["district", info.district], ["level", info.level],
     ["title", info.title]].forEach(function (row) {
      if (row[1] === null || row[1] === undefined || row[1] === "") return;
      dl.append(el("dt", { text: row[0] }), el("dd", { text: String(row[1]) }));
    });
    panel.append(dl);
    if (info.stub) panel.append(el("p", { "class": "tag", text: "known only by reference" }));
    panel.append(el("p", {}, [el("a", { href: planUrl(info.id), text: "Open its own page →" })]));
    var ev = el("div", {}, [el("p", { "class": "muted", text: "Loading evidence…" })]);
    panel.append(ev);
    fetch(apiUrl(info.id)).then(function (r) { return r.ok ? r.json() : null; }).then(function (plan) {
      ev.replaceChildren();
      if (!plan || !plan.links || !plan.links.length) {
        ev.append(el("p", { "class": "muted", text: "No links read from this document's text." }));
        return;
      }
      ev.append(el("h3", { text: "Evidence" }));
      var ul = el("ul", { "class": "evidence" });
      var seen = {};
      var own = plan.links.filter(function (l) { return !l.stated_by || l.stated_by === info.id; });
      var others = plan.links.filter(function (l) { return l.stated_by && l.stated_by !== info.id; });
      own.concat(others).forEach(function (link) {
        var text = link.evidence && link.evidence.text ? link.evidence.text : "";
        var key = link.relation + "\u0000" + link.target + "\u0000" + text;
        if (seen[key]) return;
        seen[key] = true;
        var target = nodes.get(link.target);
        var label = target && target.info ? (target.info.number || link.target) : link.target;
        var li = el("li", {}, [
          document.createTextNode(link.relation + " "),
          el("a", { href: planUrl(link.target), text: label }),
        ]);
        if (link.stated_by && link.stated_by !== info.id) {
          var by = nodes.get(link.stated_by);
          var byLabel = by && by.info ? (by.info.number || link.stated_by) : link.stated_by;
          li.append(" ", el("span", { "class": "muted" }, [
            document.createTextNode("(according to "),
            el("a", { href: planUrl(link.stated_by), text: byLabel }),
            document.createTextNode(")"),
          ]));
        }
        if (text) li.append(el("blockquote", { text: text }));
        ul.append(li);
      });
      ev.append(ul);
    }).catch(function () {
      ev.replaceChildren(el("p", { "class": "muted", text: "Evidence unavailable." }));
    });
  }

  function showEdge(panel, edge, nodes) {
    var from = nodes.get(edge.from), to = nodes.get(edge.to);
    if (!from || !to) return;
    showPlan(panel, from.info, nodes);
    panel.prepend(el("p", { "class": "muted", text: (from.info.number || from.id) + " " +
      (edge.relation || "implements") + " " + (to.info.number || to.id) }));
  }

  function showGroup(panel, info, note) {
    panel.replaceChildren();
    panel.append(el("h2", { text: info.place || "group" }));
    var dl = el("dl");
    [["level", info.level], ["bodies", info.bodies], ["plans", info.plans],
     ["known only by reference", info.stubs || null], ["opens into", info.opens]].forEach(function (row) {
      if (row[1] === null || row[1] === undefined || row[1] === "") return;
      dl.append(el("dt", { text: row[0] }), el("dd", { text: String(row[1]) }));
    });
    panel.append(dl);
    if (note) panel.append(el("p", { "class": "muted", text: note }));
  }

  function nodeName(node) {
    var info = node.info || {};
    return info.kind === "group" ? (info.place + " (" + info.level + ", " + info.plans + " plans)")
      : (info.number || node.id);
  }

  function withTooltips(items) {
    items.forEach(function (item) { if (typeof item.title === "string") item.title = tooltip(item.title); });
    return items;
  }

  // Level of detail: a large cascade arrives folded into groups; a click on a group
  // asks the server what opening it changes (GET .../expand?group=&open=...) and
  // applies that: the group and its edges leave, its plans or sub-groups arrive
  // where it stood and glide with everything else to the new server-made layout.
  function levelOfDetail(container, data, network, nodes, edges, view) {
    var lod = data.lod, panel = document.getElementById("details");
    var initial = { nodes: data.nodes.slice(), edges: data.edges.slice() };
    var open = lod.open.slice();
    view.open = function () { return open.slice(); };
    view.busy = false;
    view.expanded = 0;

    function glide(targets, from, done) {
      var ids = Object.keys(targets), t0 = null, ms = ids.length > 1500 ? 0 : 350;
      function frame(now) {
        if (t0 === null) t0 = now;
        var k = ms ? Math.min(1, (now - t0) / ms) : 1, e = k < 0.5 ? 2 * k * k : 1 - Math.pow(-2 * k + 2, 2) / 2;
        ids.forEach(function (id) {
          var a = from[id] || targets[id], b = targets[id];
          network.moveNode(id, a[0] + (b[0] - a[0]) * e, a[1] + (b[1] - a[1]) * e);
        });
        if (k < 1) window.requestAnimationFrame(frame); else done();
      }
      window.requestAnimationFrame(frame);
    }

    function expand(gid) {
      if (view.busy || !nodes.get(gid)) return Promise.resolve(false);
      view.busy = true;
      var q = new URLSearchParams();
      q.append("group", gid);
      open.forEach(function (g) { q.append("open", g); });
      if (lod.max_depth) q.set("max_depth", String(lod.max_depth));
      var info = nodes.get(gid).info || {};
      showGroup(panel, info, "Opening…");
      return fetch(lod.expand + "?" + q.toString()).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      }).then(function (delta) {
        var from = {}, origin = network.getPosition(gid);
        var now = network.getPositions();
        Object.keys(now).forEach(function (id) { from[id] = [now[id].x, now[id].y]; });
        var gone = {};
        delta.removed.forEach(function (id) { gone[id] = true; });
        edges.remove(edges.getIds({ filter: function (e) { return gone[e.from] || gone[e.to]; } }));
        nodes.remove(delta.removed);
        delta.nodes.forEach(function (n) {
          from[n.id] = [origin.x, origin.y];
          n.x = origin.x; n.y = origin.y;
        });
        nodes.update(withTooltips(delta.nodes));
        edges.update(withTooltips(delta.edges));
        open = delta.open;
        view.expanded += 1;
        showGroup(panel, info, "Opened: " + delta.nodes.length + " nodes in its place. Click one for its details.");
        // then show what arrived with what it implements, not zoomed in further than 1:1
        var shown = {};
        delta.nodes.forEach(function (n) { shown[n.id] = true; });
        delta.edges.forEach(function (e) { shown[e.from] = true; shown[e.to] = true; });
        return new Promise(function (resolve) {
          glide(delta.positions, from, function () {
            var ids = Object.keys(shown).filter(function (id) { return nodes.get(id); });
            if (ids.length) network.fit({ nodes: ids, maxZoomLevel: 1, animation: { duration: 300 } });
            view.busy = false;
            resolve(true);
          });
        });
      }).catch(function (err) {
        view.busy = false;
        showGroup(panel, info, "Could not open this group (" + err.message + ").");
        return false;
      });
    }

    view.expand = expand;
    view.groupIds = function () {
      return nodes.getIds({ filter: function (n) { return n.info && n.info.kind === "group"; } });
    };
    var reset = document.getElementById("lod-reset");
    if (reset) reset.addEventListener("click", function () {
      if (view.busy) return;
      edges.clear(); nodes.clear();
      nodes.add(initial.nodes); edges.add(initial.edges);
      open = lod.open.slice();
      network.fit();
    });
    return expand;
  }

  function draw(container) {
    var data = readData(container.getAttribute("data-graph"));
    if (!data || typeof vis === "undefined") return;
    withTooltips(data.nodes);
    withTooltips(data.edges);
    var nodes = new vis.DataSet(data.nodes);
    var edges = new vis.DataSet(data.edges);
    var t0 = window.performance ? performance.now() : 0;
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
    container.network = network; // for debugging from the console
    var kind = container.getAttribute("data-kind");
    // A handle for the console and the browser tests: ready once drawn and fitted.
    var view = { kind: kind, ready: false, readyMs: null, network: network, nodes: nodes, edges: edges,
                 nodeCount: function () { return nodes.length; } };
    if (kind === "cascade") {
      window.lineageView = view;
      var panel = document.getElementById("details");
      var focus = container.getAttribute("data-focus");
      var expand = data.lod ? levelOfDetail(container, data, network, nodes, edges, view) : null;
      if (focus && nodes.get(focus)) network.selectNodes([focus]);
      network.on("click", function (params) {
        if (params.nodes.length) {
          var node = nodes.get(params.nodes[0]);
          if (!node) return;
          if (node.info && node.info.kind === "group") { if (expand) expand(node.id); }
          else showPlan(panel, node.info, nodes);
        } else if (params.edges.length) {
          var edge = edges.get(params.edges[0]);
          var a = edge && nodes.get(edge.from), b = edge && nodes.get(edge.to);
          if (!a || !b) return;
          if (a.info && a.info.kind === "group" || b.info && b.info.kind === "group") {
            panel.replaceChildren(el("p", { text: nodeName(a) + " → " + nodeName(b) + ": " +
              (edge.count || 1) + " implements link" + (edge.count === 1 ? "" : "s") }));
          } else showEdge(panel, edge, nodes);
        }
      });
      network.on("doubleClick", function (params) {
        var node = params.nodes.length ? nodes.get(params.nodes[0]) : null;
        if (node && !(node.info && node.info.kind === "group")) window.location.href = planUrl(node.id);
      });
    } else if (kind === "overview") {
      window.lineageOverview = view;
      network.on("click", function (params) {
        if (!params.nodes.length) return;
        var info = nodes.get(params.nodes[0]).info || {};
        var q = new URLSearchParams();
        if (info.level) q.set("level", info.level);
        if (info.province) q.set("province", info.province);
        window.location.href = "/?" + q.toString() + "#search-results";
      });
    }
    function ready() {
      network.once("afterDrawing", function () {
        view.ready = true;
        // readyMs: from the script's start; readyAt: from the navigation's start (page load included)
        view.readyMs = window.performance ? performance.now() - t0 : null;
        view.readyAt = window.performance ? performance.now() : null;
        container.setAttribute("data-ready", "true");
      });
      network.fit();
    }
    if (data.options.physics && data.options.physics.enabled) {
      // large graphs: settle once, then freeze so dragging does not shake everything
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: { enabled: false } });
        ready();
      });
    } else {
      network.once("afterDrawing", ready);
    }
  }

  function renderResults(box, page) {
    box.replaceChildren();
    box.append(el("p", { "class": "muted", text: page.total + (page.total === 1 ? " result" : " results") }));
    var ol = el("ol", { "class": "results" });
    page.items.forEach(function (p) {
      var li = el("li", {}, [el("a", { href: planUrl(p.id), text: p.number || "không số" })]);
      if (p.date) li.append(" ", el("span", { "class": "muted", text: p.date }));
      if (p.issuer && p.issuer.name) li.append(" – " + p.issuer.name);
      if (p.title) li.append(el("br"), el("span", { "class": "title", text: p.title }));
      if (p.stub) li.append(" ", el("span", { "class": "tag", text: "stub" }));
      ol.append(li);
    });
    box.append(ol);
  }

  function liveSearch() {
    var form = document.getElementById("search-form");
    var box = document.getElementById("search-results");
    if (!form || !box) return;
    var timer = null, seq = 0;
    function run() {
      var fd = new FormData(form), q = new URLSearchParams();
      fd.forEach(function (v, k) { if (String(v).trim()) q.set(k, String(v).trim()); });
      if (!q.toString()) { box.replaceChildren(); return; }
      q.set("limit", "50");
      var mine = ++seq;
      fetch(box.getAttribute("data-api") + "?" + q.toString())
        .then(function (r) { return r.json(); })
        .then(function (page) {
          if (mine !== seq) return;
          if (page.items) renderResults(box, page);
          else box.replaceChildren(el("p", { "class": "muted", text: page.detail || "Search failed." }));
        })
        .catch(function () { /* the form still works without script */ });
    }
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 250); });
  }

  document.querySelectorAll("[data-graph]").forEach(draw);
  liveSearch();
})();
