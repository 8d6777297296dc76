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
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("reset", function () { window.setTimeout(update, 0); });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  update();
})();
