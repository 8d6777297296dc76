(function () {
  "use strict";
  // A link to a project (#project-3) opens its details.
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") { target.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
(function () {
  "use strict";
  var box = document.getElementById("tm");
  if (!box) { return; }
  var path = document.getElementById("tm-path"), status = document.getElementById("tm-status");
  function views(code) { return box.querySelectorAll('.tm-view[data-view="' + code + '"]'); }
  function visible(el) { return el.getClientRects().length > 0; }
  function show(code, moveFocus) {
    var target = views(code);
    if (!target.length) { code = ""; target = views(""); }
    if (!target.length) { return; }
    var all = box.querySelectorAll(".tm-view");
    for (var i = 0; i < all.length; i++) { all[i].classList.remove("on"); }
    for (i = 0; i < target.length; i++) { target[i].classList.add("on"); }
    var chain = [], view = target[0];
    while (view) {
      chain.unshift(view);
      var parent = view.getAttribute("data-parent");
      view = parent === null ? null : views(parent)[0];
    }
    path.textContent = "";
    chain.forEach(function (v, k) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = "#tm=" + v.getAttribute("data-view");
      a.textContent = v.getAttribute("data-label");
      if (k === chain.length - 1) { a.setAttribute("aria-current", "location"); }
      li.appendChild(a);
      path.appendChild(li);
    });
    status.textContent = target[0].getAttribute("data-label") + " · " + target[0].getAttribute("data-summary");
    box.setAttribute("data-current", code);
    if (moveFocus) {
      var nodes = box.querySelectorAll(".tm-view.on .tm-node");
      for (i = 0; i < nodes.length; i++) { if (visible(nodes[i])) { nodes[i].focus(); break; } }
    }
  }
  function fromHash() {
    var m = /^#tm=(\d*)$/.exec(window.location.hash);
    return m ? m[1] : null;
  }
  window.addEventListener("hashchange", function () {
    var code = fromHash();
    if (code !== null) { show(code, box.contains(document.activeElement)); }
  });
  box.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape" && ev.key !== "Backspace") { return; }
    var current = box.querySelector(".tm-view.on");
    var parent = current && current.getAttribute("data-parent");
    if (parent !== null && parent !== undefined) { ev.preventDefault(); window.location.hash = "tm=" + parent; }
  });
  show(fromHash() || "", false);
})();
