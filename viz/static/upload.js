/* The upload page: documents dropped or picked, sent to POST /api/documents with the
 * token, and each answer drawn. Every string from the server (and so from a document)
 * is written with textContent, every id goes through encodeURIComponent: nothing a
 * document says is ever parsed as HTML. No inline script: the page runs under
 * script-src 'self'. State for tests and the curious: window.lineageUpload. */
(function () {
  "use strict";

  var form = document.getElementById("upload-form");
  if (!form) return;
  var tokenInput = document.getElementById("upload-token");
  var drop = document.getElementById("upload-drop");
  var picker = document.getElementById("upload-files");
  var pickedList = document.getElementById("upload-picked");
  var statusLine = document.getElementById("upload-status");
  var results = document.getElementById("upload-results");
  var sendButton = document.getElementById("upload-send");
  var maxBytes = parseInt(form.dataset.maxBytes, 10) || Infinity;
  var maxFiles = parseInt(form.dataset.maxFiles, 10) || Infinity;
  var KEY = "lineage.token";
  var picked = [];
  var state = window.lineageUpload = { done: 0, busy: false, last: null, error: null };

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c !== null && c !== undefined) e.append(c); });
    return e;
  }

  function planUrl(id) { return "/view/plans/" + encodeURIComponent(id); }
  function apiUrl(id) { return "/api/plans/" + encodeURIComponent(id); }

  function say(text) { statusLine.textContent = text; }

  function bytes(n) {
    if (n < 1024) return n + " B";
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KB";
    return (n / 1024 / 1024).toFixed(1) + " MB";
  }

  try { tokenInput.value = sessionStorage.getItem(KEY) || ""; } catch (e) { /* storage off */ }

  function showPicked() {
    pickedList.replaceChildren();
    var total = 0;
    picked.forEach(function (f) {
      total += f.size;
      pickedList.append(el("li", { text: f.name + " (" + bytes(f.size) + ")" }));
    });
    say(picked.length ? picked.length + " file(s), " + bytes(total) + " ready to upload" : "");
  }

  function add(files) {
    Array.prototype.forEach.call(files || [], function (f) {
      var dup = picked.some(function (p) { return p.name === f.name && p.size === f.size; });
      if (!dup) picked.push(f);
    });
    showPicked();
  }

  picker.addEventListener("change", function () { add(picker.files); picker.value = ""; });
  ["dragenter", "dragover"].forEach(function (ev) {
    drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "dragend"].forEach(function (ev) {
    drop.addEventListener(ev, function () { drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (e) {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer) add(e.dataTransfer.files);
  });
  drop.addEventListener("keydown", function (e) {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); picker.click(); }
  });
  document.getElementById("upload-clear").addEventListener("click", function () {
    picked = [];
    showPicked();
  });

  function planLink(s) {
    var iss = s.issuer && s.issuer.name ? " – " + s.issuer.name : "";
    var label = (s.number || "không số") + (s.date ? " (" + s.date + ")" : "") + iss;
    var li = el("li", {}, [el("a", { href: planUrl(s.id), text: label })]);
    if (s.stub) li.append(" ", el("span", { "class": "tag", text: "known only by reference" }));
    return li;
  }

  function refItem(r) {
    var iss = r.issuer && r.issuer.name ? " – " + r.issuer.name : "";
    var li = el("li", { text: (r.doc_type || "") + " " + (r.number || "không số") + (r.date ? " (" + r.date + ")" : "") + iss });
    if (r.implements && r.implements.length) li.append(el("ul", {}, r.implements.map(refItem)));
    return li;
  }

  function showDocument(d) {
    var rec = d.record || {};
    var iss = rec.issuer || {};
    var box = el("article", { "class": "upload-doc", "data-id": d.id });
    box.append(el("h3", {}, [
      el("a", { href: planUrl(d.id), text: rec.number || "không số" }), " ",
      el("span", { "class": "status-" + d.status, text: d.status === "ingested" ? "added" : "already there, unchanged" }),
    ]));
    box.append(el("p", { "class": "muted", text: d.file }));
    var dl = el("dl");
    [["type", rec.doc_type], ["date", rec.date], ["title", rec.title], ["issuer", iss.name],
     ["level", [iss.level, iss.system].filter(Boolean).join(", ")], ["province", iss.province],
     ["district", iss.district], ["signer", rec.signer && rec.signer.name]].forEach(function (row) {
      if (row[1] === null || row[1] === undefined || row[1] === "") return;
      dl.append(el("dt", { text: row[0] }), el("dd", { text: String(row[1]) }));
    });
    box.append(dl);
    if (rec.implements && rec.implements.length) {
      box.append(el("p", { text: "It says it implements:" }), el("ul", { "class": "implements" }, rec.implements.map(refItem)));
    }
    box.append(el("p", { text: d.parents.length ? "Landed under:" : "Landed at the top: it implements no document of the graph." }));
    if (d.parents.length) box.append(el("ul", { "class": "parents" }, d.parents.map(planLink)));
    var roots = d.root.filter(function (r) { return r.id !== d.id; });
    if (roots.length) box.append(el("p", { text: "Root of its cascade:" }), el("ul", { "class": "roots" }, roots.map(planLink)));
    box.append(el("p", {}, [
      el("a", { href: planUrl(d.id), text: "Its page and cascade →" }), " · ",
      el("a", { href: apiUrl(d.id), text: "JSON" }),
    ]));
    return box;
  }

  function showAnswer(answer) {
    var docs = answer.documents || [];
    var failed = answer.failed || [];
    var added = docs.filter(function (d) { return d.status === "ingested"; }).length;
    say(added + " added, " + (docs.length - added) + " unchanged, " + failed.length + " failed");
    var section = el("section", { "class": "upload-answer" }, [el("h2", { text: "Sent at " + new Date().toLocaleTimeString() })]);
    if (failed.length) {
      section.append(el("ul", { "class": "upload-failed" }, failed.map(function (f) {
        return el("li", { text: (f.file || "(no name)") + ": " + f.reason });
      })));
    }
    docs.forEach(function (d) { section.append(showDocument(d)); });
    results.prepend(section);
  }

  function problemText(status, body) {
    var detail = body && body.detail ? body.detail : "";
    if (status === 401) return "The server asks for its token. " + detail;
    if (status === 403) return "Refused: " + detail;
    if (status === 413) return "Too large: " + detail;
    return "Upload failed (" + status + "): " + detail;
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (state.busy) return;
    if (!picked.length) { say("Choose or drop documents first."); return; }
    var total = picked.reduce(function (n, f) { return n + f.size; }, 0);
    if (picked.length > maxFiles) { say("At most " + maxFiles + " files in one upload."); return; }
    if (total > maxBytes) { say("At most " + bytes(maxBytes) + " in one upload (these are " + bytes(total) + ")."); return; }
    var token = tokenInput.value.trim();
    try { sessionStorage.setItem(KEY, token); } catch (err) { /* storage off */ }
    var body = new FormData();
    picked.forEach(function (f) { body.append("file", f, f.name); });
    var headers = token ? { "Authorization": "Bearer " + token } : {};
    state.busy = true;
    state.error = null;
    sendButton.disabled = true;
    say("Uploading and reading " + picked.length + " file(s)…");
    fetch(form.dataset.api, { method: "POST", body: body, headers: headers, credentials: "omit" })
      .then(function (r) {
        return r.json().catch(function () { return null; }).then(function (json) { return [r.status, json]; });
      })
      .then(function (res) {
        if (res[0] === 201 && res[1]) {
          state.last = res[1];
          state.done += 1;
          picked = [];
          pickedList.replaceChildren();
          showAnswer(res[1]);
        } else {
          state.error = res[0];
          say(problemText(res[0], res[1]));
        }
      })
      .catch(function (err) { state.error = "network"; say("The server could not be reached: " + err.message); })
      .then(function () { state.busy = false; sendButton.disabled = false; });
  });
})();
