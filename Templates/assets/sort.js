// Sortable tables: click a column header to sort by it; click again to reverse.
// Progressive enhancement: without JavaScript the tables read the same, in their original order.
// Cells carry data-sort (numbers as plain decimals; "" for a missing value, which always sorts last).
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  function key(cell) {
    if (!cell) return "";
    var s = cell.getAttribute("data-sort");
    return s === null ? cell.textContent.trim() : s;
  }
  function sortTable(table, col, numeric, dir) {
    var body = table.tBodies[0];
    if (!body) return;
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (r, i) { r._fazhiIndex = i; });
    rows.sort(function (a, b) {
      var ka = key(a.cells[col]), kb = key(b.cells[col]);
      if (ka === "" && kb !== "") return 1;
      if (kb === "" && ka !== "") return -1;
      var c;
      if (numeric) { c = parseFloat(ka) - parseFloat(kb); if (isNaN(c)) c = 0; }
      else { c = ka.localeCompare(kb, "zh-CN"); }
      if (c === 0) return a._fazhiIndex - b._fazhiIndex;
      return dir === "ascending" ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function init() {
    var tables = document.querySelectorAll("table.sortable");
    Array.prototype.forEach.call(tables, function (table) {
      var head = table.tHead && table.tHead.rows[0];
      if (!head) return;
      Array.prototype.forEach.call(head.cells, function (th, col) {
        th.tabIndex = 0;
        th.setAttribute("title", "点击排序");
        function activate() {
          var numeric = th.getAttribute("data-type") === "number";
          var dir = th.getAttribute("aria-sort") === "descending" ? "ascending" : (th.getAttribute("aria-sort") === "ascending" ? "descending" : (numeric ? "descending" : "ascending"));
          Array.prototype.forEach.call(head.cells, function (other) { other.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", dir);
          sortTable(table, col, numeric, dir);
        }
        th.addEventListener("click", activate);
        th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); activate(); } });
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
