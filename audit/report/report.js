"use strict";
// Filters and sorts the article table. Reads data from the JSON island and moves
// the server-rendered rows; it never writes markup from article text.
(function () {
  var island = document.getElementById("report-data");
  var table = document.getElementById("articles-table");
  if (!island || !table) { return; }
  var data = JSON.parse(island.textContent);
  var tbody = table.tBodies[0];
  var rows = {};
  Array.prototype.forEach.call(tbody.rows, function (row) { rows[row.getAttribute("data-id")] = row; });
  var controls = {
    site: document.getElementById("f-site"),
    language: document.getElementById("f-language"),
    type: document.getElementById("f-type"),
    rule: document.getElementById("f-rule"),
    severity: document.getElementById("f-severity"),
    min: document.getElementById("f-min"),
    max: document.getElementById("f-max")
  };
  var counter = document.getElementById("shown-count");
  // Worst first: lowest score on top until an editor picks a column.
  var sortKey = "score", sortDir = 1, userSorted = false;

  function visible(a) {
    if (controls.site.value && a.site !== controls.site.value) { return false; }
    if (controls.language.value && a.language !== controls.language.value) { return false; }
    if (controls.type.value && a.types.indexOf(controls.type.value) === -1) { return false; }
    if (controls.rule.value && a.rules.indexOf(controls.rule.value) === -1) { return false; }
    if (controls.severity.value && a.severities.indexOf(controls.severity.value) === -1) { return false; }
    var min = parseInt(controls.min.value, 10), max = parseInt(controls.max.value, 10);
    if (!isNaN(min) && (a.score === null || a.score < min)) { return false; }
    if (!isNaN(max) && (a.score === null || a.score > max)) { return false; }
    return true;
  }

  function compare(x, y) {
    var a = x[sortKey], b = y[sortKey];
    if (a === b) { return x.number - y.number; }
    if (a === null || a === undefined) { return 1; }
    if (b === null || b === undefined) { return -1; }
    if (typeof a === "string") { return a.localeCompare(b) * sortDir; }
    return (a - b) * sortDir;
  }

  function render() {
    var shown = 0;
    data.articles.slice().sort(compare).forEach(function (a) {
      var row = rows[String(a.number)];
      if (!row) { return; }
      tbody.appendChild(row);
      var ok = visible(a);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    counter.textContent = shown + " of " + data.articles.length + " shown";
  }

  Object.keys(controls).forEach(function (k) {
    controls[k].addEventListener("input", render);
    controls[k].addEventListener("change", render);
  });
  Array.prototype.forEach.call(table.querySelectorAll("th button[data-sort]"), function (btn) {
    btn.addEventListener("click", function () {
      var key = btn.getAttribute("data-sort");
      sortDir = userSorted && key === sortKey ? -sortDir : 1;
      userSorted = true;
      sortKey = key;
      Array.prototype.forEach.call(table.querySelectorAll("th"), function (th) { th.removeAttribute("aria-sort"); });
      btn.parentNode.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      render();
    });
  });
  // Clicking a defect type in the table filters on it.
  Array.prototype.forEach.call(tbody.querySelectorAll("span.tag"), function (tag) {
    tag.style.cursor = "pointer";
    tag.title = "show only articles with this defect type";
    tag.addEventListener("click", function () {
      controls.type.value = tag.textContent;
      render();
    });
  });
  document.getElementById("f-reset").addEventListener("click", function () {
    controls.site.value = ""; controls.language.value = ""; controls.type.value = "";
    controls.rule.value = ""; controls.severity.value = "";
    controls.min.value = ""; controls.max.value = "";
    render();
  });
  render();
})();
