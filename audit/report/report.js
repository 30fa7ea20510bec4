"use strict";
// Filters and sorts the article table, opens an article beside its row with
// previous/next flagged navigation, and pages the failures table. Reads data from
// the JSON island and moves the server-rendered rows and articles; text it writes
// (failure rows) goes in through textContent only, never as markup.
(function () {
  var island = document.getElementById("report-data");
  if (!island) { return; }
  var data = JSON.parse(island.textContent);
  document.documentElement.classList.add("js");  // articles now open beside their row only

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }

  // ---- the articles table -------------------------------------------------
  var table = document.getElementById("articles-table");
  var tbody = table ? table.tBodies[0] : null;
  var rows = {};
  var controls = {};
  // Worst first: lowest score on top until an editor picks a column.
  var sortKey = "score", sortDir = 1, userSorted = false;
  var openNumber = null;
  var detail = null;  // the table row that holds the open article
  var nav = document.getElementById("article-nav");

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

  function ordered() { return data.articles.slice().sort(compare); }

  // The flagged articles with text, in the table's current sort, that its filters show.
  function flaggedOrder() {
    return ordered().filter(function (a) { return a.text && a.nfindings > 0 && visible(a); });
  }

  function render() {
    var shown = 0;
    ordered().forEach(function (a) {
      var row = rows[String(a.number)];
      if (!row) { return; }
      tbody.appendChild(row);
      var ok = visible(a);
      row.hidden = !ok;
      if (ok) { shown += 1; }
      if (detail && openNumber === a.number) { tbody.appendChild(detail); }
    });
    document.getElementById("shown-count").textContent = shown + " of " + data.articles.length + " shown";
    updateNav();
  }

  function updateNav() {
    if (!nav || openNumber === null) { return; }
    var order = flaggedOrder();
    var at = -1;
    for (var i = 0; i < order.length; i += 1) { if (order[i].number === openNumber) { at = i; } }
    document.getElementById("flagged-pos").textContent = at === -1
      ? order.length + " flagged shown (this article is not among them)"
      : "flagged " + (at + 1) + " of " + order.length;
    document.getElementById("prev-flagged").disabled = !neighbour(-1);
    document.getElementById("next-flagged").disabled = !neighbour(1);
  }

  // The flagged article before (-1) or after (+1) the open one in the table's order.
  function neighbour(step) {
    var order = flaggedOrder();
    if (!order.length) { return null; }
    var at = -1;
    for (var i = 0; i < order.length; i += 1) { if (order[i].number === openNumber) { at = i; } }
    if (at === -1) {
      // not among them (filtered out, or nothing open): continue from its place in the sort
      var flagged = {};
      order.forEach(function (o) { flagged[o.number] = true; });
      var all = ordered(), pos = -1;
      for (var j = 0; j < all.length; j += 1) { if (all[j].number === openNumber) { pos = j; } }
      var rest = step > 0 ? all.slice(pos + 1) : all.slice(0, pos === -1 ? all.length : pos).reverse();
      for (var k = 0; k < rest.length; k += 1) { if (flagged[rest[k].number]) { return rest[k]; } }
      return null;
    }
    return order[at + step] || null;
  }

  function openArticle(number) {
    var article = document.getElementById("article-" + number);
    var row = rows[String(number)];
    if (!article || !row) { return false; }
    closeArticle(false);
    detail = el("tr", null, "detail");
    var cell = el("td");
    cell.colSpan = row.cells.length;
    detail.appendChild(cell);
    if (nav) { cell.appendChild(nav); nav.hidden = false; }
    cell.appendChild(article);
    article.classList.add("open");
    row.classList.add("opened");
    row.parentNode.insertBefore(detail, row.nextSibling);
    openNumber = number;
    updateNav();
    row.scrollIntoView({ block: "start" });  // its own row on top, the article below it
    return true;
  }

  function closeArticle(toRow) {
    if (openNumber === null) { return; }
    var number = openNumber;
    var article = document.getElementById("article-" + number);
    var home = document.getElementById("article-home");
    if (article && home) { article.classList.remove("open"); home.appendChild(article); }
    if (nav && home) { nav.hidden = true; home.parentNode.insertBefore(nav, home); }
    if (detail && detail.parentNode) { detail.parentNode.removeChild(detail); }
    var row = rows[String(number)];
    if (row) { row.classList.remove("opened"); }
    detail = null;
    openNumber = null;
    if (toRow && row) { row.scrollIntoView({ block: "center" }); }
  }

  // Open an article now, and give it its own address (the back button returns).
  function show(number) {
    if (openArticle(number)) { history.pushState(null, "", "#article-" + number); }
  }

  function go(step) {
    var target = neighbour(step);
    if (target) { show(target.number); }
  }

  function fromHash() {
    var m = /^#article-(\d+)$/.exec(location.hash);
    if (m) {
      if (parseInt(m[1], 10) !== openNumber) { openArticle(parseInt(m[1], 10)); }
    } else {
      closeArticle(false);
    }
  }

  if (table) {
    Array.prototype.forEach.call(tbody.rows, function (row) { rows[row.getAttribute("data-id")] = row; });
    ["site", "language", "type", "rule", "severity", "min", "max"].forEach(function (k) {
      controls[k] = document.getElementById("f-" + k);
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
    Array.prototype.forEach.call(tbody.querySelectorAll("a.open-article"), function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        show(parseInt(link.closest("tr").getAttribute("data-id"), 10));
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
      Object.keys(controls).forEach(function (k) { controls[k].value = ""; });
      render();
    });
    if (nav) {
      document.getElementById("prev-flagged").addEventListener("click", function () { go(-1); });
      document.getElementById("next-flagged").addEventListener("click", function () { go(1); });
      document.getElementById("close-article").addEventListener("click", function () {
        history.replaceState(null, "", "#articles");
        closeArticle(true);
      });
    }
    document.addEventListener("keydown", function (event) {
      var t = event.target;
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) { return; }
      if (event.key === "n") { go(1); event.preventDefault(); }
      else if (event.key === "p") { go(-1); event.preventDefault(); }
      else if (event.key === "Escape" && openNumber !== null) {
        history.replaceState(null, "", "#articles");
        closeArticle(true);
      }
    });
    window.addEventListener("hashchange", fromHash);
    render();
    fromHash();
  }

  // ---- the failures table: one page of rows at a time -----------------------
  var ftable = document.getElementById("failures-table");
  var failures = data.failures || [];
  if (ftable && failures.length) {
    var fbody = ftable.tBodies[0];
    var pageSize = data.failure_page || 100;
    var fpage = 0;
    var reason = document.getElementById("ff-reason");
    var urlFilter = document.getElementById("ff-url");
    var prev = document.getElementById("ff-prev"), next = document.getElementById("ff-next");
    var fcount = document.getElementById("failures-count");
    var cap = document.getElementById("failures-cap");
    document.getElementById("failure-controls").hidden = false;
    if (cap) { cap.hidden = true; }

    var matching = function () {
      var want = reason.value, part = urlFilter.value.toLowerCase();
      return failures.filter(function (f) {
        return (!want || f[3] === want) && (!part || f[0].toLowerCase().indexOf(part) !== -1);
      });
    };

    var renderFailures = function () {
      var shown = matching();
      var pages = Math.max(1, Math.ceil(shown.length / pageSize));
      fpage = Math.min(Math.max(fpage, 0), pages - 1);
      var slice = shown.slice(fpage * pageSize, (fpage + 1) * pageSize);
      var fragment = document.createDocumentFragment();
      slice.forEach(function (f) {
        var tr = el("tr"), td = el("td");
        if (f[1]) {
          var a = el("a", f[0]);
          a.href = f[0];
          a.rel = "noopener noreferrer nofollow";
          a.target = "_blank";
          td.appendChild(a);
        } else {
          td.appendChild(el("span", f[0], "inert"));
        }
        tr.appendChild(td);
        tr.appendChild(el("td", f[2]));
        var r = el("td");
        r.appendChild(el("strong", f[3]));
        tr.appendChild(r);
        tr.appendChild(el("td", f[4]));
        tr.appendChild(el("td", f[5], "num"));
        tr.appendChild(el("td", f[6]));
        fragment.appendChild(tr);
      });
      while (fbody.firstChild) { fbody.removeChild(fbody.firstChild); }
      fbody.appendChild(fragment);
      var first = shown.length ? fpage * pageSize + 1 : 0;
      fcount.textContent = first + "–" + (fpage * pageSize + slice.length) + " of " + shown.length +
        (shown.length !== failures.length ? " matching (" + failures.length + " in all)" : "") +
        " · page " + (fpage + 1) + " of " + pages;
      prev.disabled = fpage === 0;
      next.disabled = fpage >= pages - 1;
    };

    prev.addEventListener("click", function () { fpage -= 1; renderFailures(); });
    next.addEventListener("click", function () { fpage += 1; renderFailures(); });
    reason.addEventListener("change", function () { fpage = 0; renderFailures(); });
    urlFilter.addEventListener("input", function () { fpage = 0; renderFailures(); });
    Array.prototype.forEach.call(document.querySelectorAll("#failure-reasons button.reason"), function (b) {
      b.addEventListener("click", function () {
        reason.value = reason.value === b.getAttribute("data-reason") ? "" : b.getAttribute("data-reason");
        fpage = 0;
        renderFailures();
      });
    });
    renderFailures();
  }
})();
