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

  function draw(container) {
    var data = readData(container.getAttribute("data-graph"));
    if (!data || typeof vis === "undefined") return;
    data.nodes.forEach(function (n) { if (n.title) n.title = tooltip(n.title); });
    data.edges.forEach(function (e) { if (e.title) e.title = tooltip(e.title); });
    var nodes = new vis.DataSet(data.nodes);
    var edges = new vis.DataSet(data.edges);
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
    container.network = network; // for debugging from the console
    var kind = container.getAttribute("data-kind");
    if (kind === "cascade") {
      var panel = document.getElementById("details");
      var focus = container.getAttribute("data-focus");
      if (focus && nodes.get(focus)) network.selectNodes([focus]);
      network.on("click", function (params) {
        if (params.nodes.length) showPlan(panel, nodes.get(params.nodes[0]).info, nodes);
        else if (params.edges.length) showEdge(panel, edges.get(params.edges[0]), nodes);
      });
      network.on("doubleClick", function (params) {
        if (params.nodes.length) window.location.href = planUrl(params.nodes[0]);
      });
    } else if (kind === "overview") {
      network.on("click", function (params) {
        if (!params.nodes.length) return;
        var info = nodes.get(params.nodes[0]).info || {};
        var q = new URLSearchParams();
        if (info.level) q.set("level", info.level);
        if (info.province) q.set("province", info.province);
        window.location.href = "/?" + q.toString() + "#search-results";
      });
    }
    if (data.options.physics && data.options.physics.enabled) {
      // large graphs: settle once, then freeze so dragging does not shake everything
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: { enabled: false } });
        network.fit();
      });
    } else {
      network.once("afterDrawing", function () { network.fit(); });
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
