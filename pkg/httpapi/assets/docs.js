// The API reference: renders /openapi.json into the page. Served by the API
// itself, so /docs works offline and loads nothing from another host.
(function () {
  "use strict";
  var main = document.getElementById("main");
  var ops = document.getElementById("ops"), toc = document.getElementById("toc");
  function el(tag, text, cls) { var e = document.createElement(tag); if (text) e.textContent = text; if (cls) e.className = cls; return e; }
  function schemaText(s, doc) {
    if (!s) return "";
    if (s.$ref) { var name = s.$ref.split("/").pop(); s = doc.components.schemas[name] || {}; }
    try { return JSON.stringify(s.properties ? Object.keys(s.properties) : s.type || s, null, 0); } catch (e) { return ""; }
  }
  fetch(main.getAttribute("data-spec")).then(function (r) { return r.json(); }).then(function (doc) {
    ops.textContent = "";
    var list = el("ul");
    Object.keys(doc.paths).sort().forEach(function (path) {
      var item = doc.paths[path];
      Object.keys(item).forEach(function (method) {
        var op = item[method]; if (!op || !op.operationId) return;
        var sec = el("section", "", "op"); sec.id = op.operationId;
        var h = el("h2"); h.appendChild(el("span", method.toUpperCase(), "method")); h.appendChild(el("code", path));
        sec.appendChild(h);
        if (op.summary) sec.appendChild(el("p", op.summary));
        if (op.description) sec.appendChild(el("p", op.description, "hint"));
        sec.appendChild(el("p", op.security && op.security.length && Object.keys(op.security[0]).length ? "Needs a bearer token." : "Public: no token needed.", "hint"));
        (op.parameters || []).forEach(function (p) {
          sec.appendChild(el("p", p.in + " " + p.name + (p.required ? " (required)" : "") + (p.description ? ": " + p.description : "")));
        });
        if (op.requestBody && op.requestBody.content) {
          var c = op.requestBody.content["application/json"] || op.requestBody.content["application/merge-patch+json"];
          if (c) sec.appendChild(el("p", "Body fields: " + schemaText(c.schema, doc)));
        }
        ops.appendChild(sec);
        var li = el("li"), a = el("a", method.toUpperCase() + " " + path); a.href = "#" + op.operationId; li.appendChild(a); list.appendChild(li);
      });
    });
    toc.appendChild(list);
  }).catch(function () { ops.textContent = "The OpenAPI document could not be loaded."; });
})();
