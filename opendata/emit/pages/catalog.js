(function () {
  "use strict";
  var form = document.getElementById("filters"), table = document.getElementById("packages");
  if (!form || !table || typeof BigInt !== "function") { return; }
  form.hidden = false;
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
  var year = document.getElementById("f-year"), region = document.getElementById("f-region");
  var dept = document.getElementById("f-dept"), count = document.getElementById("shown-count");
  var measures = ["income", "expenditure", "basic", "project"];
  // Amounts are integers of fen (0.01 yuan) in data attributes: BigInt sums are exact.
  function wan(fen) {
    var negative = fen < 0n, a = negative ? -fen : fen;
    var q = (a + 5000n) / 10000n; // 0.01 wan yuan, rounded half up
    var whole = (q / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var cents = (q % 100n).toString().padStart(2, "0");
    return (negative ? "-" : "") + whole + "." + cents;
  }
  function matches(row) {
    if (year.value && row.getAttribute("data-year") !== year.value) { return false; }
    var r = region.value;
    if (r && r.slice(0, 2) === "p:" && row.getAttribute("data-province") !== r.slice(2)) { return false; }
    if (r && r.slice(0, 2) === "d:" && row.getAttribute("data-division") !== r.slice(2)) { return false; }
    var d = dept.value.trim().toLowerCase();
    if (d && row.getAttribute("data-department").toLowerCase().indexOf(d) < 0) { return false; }
    return true;
  }
  function update() {
    var sums = {}, seen = {}, shown = 0;
    measures.forEach(function (m) { sums[m] = 0n; seen[m] = false; });
    rows.forEach(function (row) {
      var ok = matches(row);
      row.hidden = !ok;
      if (!ok) { return; }
      shown += 1;
      measures.forEach(function (m) {
        var v = row.getAttribute("data-" + m);
        if (v) { sums[m] += BigInt(v); seen[m] = true; }
      });
    });
    measures.forEach(function (m) {
      var cell = document.getElementById("total-" + m);
      if (cell) { cell.textContent = seen[m] ? wan(sums[m]) : "—"; }
    });
    count.textContent = String(shown);
  }
  // Filters can be given in the address (#year=2024&region=p:河北省&dept=科学) and are kept there.
  function fromHash() {
    var params = new URLSearchParams(window.location.hash.slice(1));
    if (params.has("year")) { year.value = params.get("year"); }
    if (params.has("region")) { region.value = params.get("region"); }
    if (params.has("dept")) { dept.value = params.get("dept"); }
  }
  function toHash() {
    var params = new URLSearchParams();
    if (year.value) { params.set("year", year.value); }
    if (region.value) { params.set("region", region.value); }
    if (dept.value.trim()) { params.set("dept", dept.value.trim()); }
    var hash = params.toString();
    try {
      window.history.replaceState(null, "", hash ? "#" + hash : window.location.pathname + window.location.search);
    } catch (e) { /* some file: setups refuse; the filters still work */ }
  }
  form.addEventListener("input", function () { update(); toHash(); });
  form.addEventListener("change", function () { update(); toHash(); });
  fromHash();
  form.addEventListener("reset", function () { window.setTimeout(function () { update(); toHash(); }, 0); });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  update();
})();
