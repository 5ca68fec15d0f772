/* Allied scenario builder: every change is one JSON request, sent in order; the answer either confirms the
   saved value (normalised) or gives the located problems and the saved value, which goes back in the field. */
(function () {
  "use strict";
  var root, base, chain = Promise.resolve(), previewTimer = null;

  function send(url, body) {
    chain = chain.then(function () {
      return fetch(url, {method: "POST", headers: {"Content-Type": "application/json"},
                         credentials: "same-origin", body: JSON.stringify(body)})
        .then(function (r) {
          return r.json().then(function (j) { return {status: r.status, body: j}; },
            function () { return {status: r.status, body: {ok: false, problems: [
              {field: "", message: "the server answered " + r.status, fix: "reload the page"}]}}; });
        }, function () {
          return {status: 0, body: {ok: false, problems: [{field: "", message: "the server did not answer",
                                                           fix: "check that allied serve is running"}]}};
        });
    });
    return chain;
  }
  function status(text) { var s = document.getElementById("status"); if (s) s.textContent = text; }
  function say(problems) {
    return (problems || []).map(function (p) { return p.message + " — fix: " + p.fix; }).join("\n");
  }
  function num(s) {
    s = (s || "").trim();
    if (s === "") return null;
    var n = Number(s);
    return isFinite(n) ? n : s;
  }
  function box(bf, name) { return bf.querySelector("[name=" + name + "]"); }
  function val(bf, name) { var el = box(bf, name); return el ? el.value : ""; }
  function setv(bf, name, v) { var el = box(bf, name); if (el) el.value = (v === null || v === undefined) ? "" : String(v); }

  function read(bf) {
    var k = bf.dataset.kind;
    if (k === "value") {
      var p = num(val(bf, "point")), lo = num(val(bf, "low")), hi = num(val(bf, "high")), sd = num(val(bf, "sd"));
      if (sd !== null) { var nv = {mean: p, sd: sd}; if (lo !== null) nv.low = lo; if (hi !== null) nv.high = hi; return {value: nv}; }
      if (lo !== null || hi !== null) { var rv = {low: lo}; if (p !== null) rv.mode = p; rv.high = hi; return {value: rv}; }
      return {value: p};
    }
    if (k === "pair") return {value: [num(val(bf, "low")), num(val(bf, "high"))]};
    if (k === "flow") return {flow: val(bf, "text")};
    if (k === "num") return {value: num(val(bf, "text"))};
    var t = val(bf, "text");
    return {value: t === "" ? null : t};
  }
  function fill(bf, v) {
    var k = bf.dataset.kind;
    if (k === "value") {
      var o = (v && typeof v === "object") ? v : {mode: v};
      setv(bf, "point", o.mode !== undefined ? o.mode : o.mean);
      setv(bf, "low", o.low); setv(bf, "high", o.high); setv(bf, "sd", o.sd);
    } else if (k === "pair") {
      setv(bf, "low", v ? v[0] : null); setv(bf, "high", v ? v[1] : null);
    } else if (k === "flow") {
      setv(bf, "text", (v === null || v === undefined) ? "" : JSON.stringify(v));
    } else {
      setv(bf, "text", v);
    }
  }
  function showEvidence(id, ev) {
    var el = document.getElementById(id);
    if (!el) return;
    el.dataset.saved = JSON.stringify(ev === undefined ? null : ev);
    var marks = (ev && ev.edited_after_quote) || {}, names = Object.keys(marks);
    var box = el.querySelector(".edited");
    box.hidden = names.length === 0;
    box.querySelector(".marks").textContent = names.map(function (f) {
      return f + " was " + JSON.stringify(marks[f]) + " when quoted"; }).join("; ");
  }
  function afterSave(res) {
    var todo = document.getElementById("todo"), block = document.getElementById("todo-block");
    if (todo && res.todo) {
      todo.textContent = "";
      res.todo.forEach(function (p) { var li = document.createElement("li"); li.textContent = p.field + ": " + p.message; todo.appendChild(li); });
      block.hidden = res.todo.length === 0;
    }
    var undo = document.getElementById("undo");
    if (undo) undo.disabled = !res.versions;
    var hist = document.getElementById("history-link");
    if (hist && res.versions !== undefined) hist.textContent = "History (" + res.versions + ")";
    if (res.ev_dom) showEvidence(res.ev_dom, res.evidence);
    schedulePreview();
  }
  function schedulePreview() {
    if (previewTimer) clearTimeout(previewTimer);
    previewTimer = setTimeout(loadPreview, 150);
  }
  function loadPreview() {
    var p = document.getElementById("preview");
    if (!p) return;
    fetch(p.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.text(); })
      .then(function (html) { p.innerHTML = html; p.dataset.loaded = String(Number(p.dataset.loaded || 0) + 1); });
  }

  function changeField(bf) {
    var err = bf.querySelector(".err"), path = JSON.parse(bf.dataset.path), saved = JSON.parse(bf.dataset.saved);
    if (bf.dataset.rename) {
      var nid = val(bf, "text").trim();
      status("renaming…");
      send(base + "/build/rename", {section: bf.dataset.rename, old: saved, "new": nid}).then(function (r) {
        if (r.body.ok) { location.reload(); return; }
        fill(bf, saved); err.textContent = say(r.body.problems); bf.classList.add("refused"); status("refused");
      });
      return;
    }
    if (bf.dataset.kind === "value" && (num(val(bf, "low")) === null) !== (num(val(bf, "high")) === null)) {
      err.textContent = "fill both ends of the range, or clear both for a single number";
      return;  // not sent until the range is whole
    }
    var body = read(bf);
    body.path = path; body.was = saved;
    status("saving…");
    bf.dataset.busy = "1";
    send(base + "/build/set", body).then(function (r) {
      delete bf.dataset.busy;
      if (r.body.ok) {
        bf.dataset.saved = JSON.stringify(r.body.value === undefined ? null : r.body.value);
        fill(bf, r.body.value); err.textContent = ""; bf.classList.remove("refused");
        status("saved"); afterSave(r.body);
      } else {
        if ("saved" in r.body) { bf.dataset.saved = JSON.stringify(r.body.saved); fill(bf, r.body.saved); }
        err.textContent = say(r.body.problems); bf.classList.add("refused");
        status(r.status === 409 ? "conflict: not saved" : "refused: not saved");
      }
    });
  }
  function changeEvidence(ev) {
    var err = ev.querySelector(".err");
    var s = ev.querySelector("[name=source]").value, q = ev.querySelector("[name=quote]").value.trim(),
        n = ev.querySelector("[name=note]").value.trim();
    if (!q && !n && s) { err.textContent = "add the quote (or a note) to save this evidence"; return; }
    var v = null;
    if (q || n) { v = {}; if (s) v.source = s; if (q) v.quote = q; if (n) v.note = n; }
    var saved = JSON.parse(ev.dataset.saved);
    status("saving…");
    send(base + "/build/set", {path: JSON.parse(ev.dataset.path), value: v, was: saved}).then(function (r) {
      if (r.body.ok) { err.textContent = ""; status("saved"); afterSave(r.body); }
      else { err.textContent = say(r.body.problems); status("refused: not saved"); }
    });
  }
  function addEntry(form) {
    var entry = {}, err = form.querySelector(".err");
    Array.prototype.forEach.call(form.querySelectorAll("input[data-field]"), function (el) {
      var f = el.dataset.field, k = el.dataset.kind, raw = el.value.trim();
      if (k === "pair-low" || k === "pair-high") {
        entry[f] = entry[f] || [null, null];
        entry[f][k === "pair-low" ? 0 : 1] = num(raw);
      } else if (raw !== "") {
        entry[f] = (k === "value" || k === "num") ? num(raw) : raw;
      }
    });
    status("adding…");
    send(base + "/build/add", {section: form.dataset.section, entry: entry}).then(function (r) {
      if (r.body.ok) { location.reload(); return; }
      err.textContent = say(r.body.problems); status("refused: not added");
    });
  }
  function removeEntry(btn) {
    var body = {section: btn.dataset.section, selector: JSON.parse(btn.dataset.selector)};
    send(base + "/build/remove", body).then(function (r) {
      if (!r.body.ok) { status(say(r.body.problems)); return; }
      var q = "Remove " + btn.dataset.label + "?";
      if (r.body.effects && r.body.effects.length) q += "\nThis also removes:\n- " + r.body.effects.join("\n- ");
      if (!window.confirm(q)) return;
      body.confirm = true;
      send(base + "/build/remove", body).then(function (r2) {
        if (r2.body.ok) { location.reload(); return; }
        status("refused: " + say(r2.body.problems));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    root = document.getElementById("builder");
    if (!root) return;
    base = root.dataset.base;
    root.addEventListener("change", function (e) {
      var t = e.target, bf = t.closest(".bf"), ev = t.closest(".ev");
      if (bf && (bf.dataset.kind === "value" || bf.dataset.kind === "pair")) {
        bf.dataset.dirty = "1";  // a figure is sent when the focus leaves its boxes: low, high and point together
      } else if (bf) changeField(bf);
      else if (ev) changeEvidence(ev);
    });
    root.addEventListener("focusout", function (e) {
      var bf = e.target.closest && e.target.closest(".bf");
      if (bf && bf.dataset.dirty && !(e.relatedTarget && bf.contains(e.relatedTarget))) {
        delete bf.dataset.dirty;
        changeField(bf);
      }
    });
    root.addEventListener("submit", function (e) {
      if (e.target.classList.contains("add")) { e.preventDefault(); addEntry(e.target); }
    });
    root.addEventListener("click", function (e) {
      var t = e.target;
      if (t.classList.contains("remove")) removeEntry(t);
      else if (t.classList.contains("add-stance")) {
        send(base + "/build/add", {section: "stances", entry: {actor: t.dataset.actor, issue: t.dataset.issue}})
          .then(function (r) { if (r.body.ok) location.reload(); else status(say(r.body.problems)); });
      } else if (t.classList.contains("confirm-quote")) {
        var ev = t.closest(".ev"), path = JSON.parse(ev.dataset.path);
        send(base + "/build/confirm", {entry: path.slice(0, -1)}).then(function (r) {
          if (r.body.ok) afterSave(r.body); else status(say(r.body.problems));
        });
      }
    });
    loadPreview();
    root.dataset.ready = "1";  // listeners in place (tests and scripts wait for it)
  });
})();
