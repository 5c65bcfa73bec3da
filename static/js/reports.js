// Statistics dashboard: draw the charts from the JSON data block and sort tables.
(function () {
  "use strict";
  var source = document.getElementById("report-data");
  if (source && window.Chart) {
    var data = JSON.parse(source.textContent);
    // Chart.js formats axis numbers through Intl for this locale (kk: 25 000, not 25,000).
    var locale = data.locale || document.documentElement.lang || "ru";
    var region = document.getElementById("chart-region");
    if (region) {
      new window.Chart(region, {
        type: "bar",
        data: {labels: data.region.labels,
               datasets: [{label: data.region.title, data: data.region.rate, backgroundColor: "#1f4e79"}]},
        options: {locale: locale, indexAxis: "y", scales: {x: {min: 0, max: 100}}, plugins: {legend: {display: false}}}
      });
    }
    var series = document.getElementById("chart-series");
    if (series) {
      new window.Chart(series, {
        type: "line",
        data: {labels: data.series.labels,
               datasets: [{label: data.series.able_title, data: data.series.able_bodied, borderColor: "#6c757d"},
                          {label: data.series.employed_title, data: data.series.employed, borderColor: "#1f4e79"}]},
        options: {locale: locale, scales: {y: {beginAtZero: true}}}
      });
    }
  }

  // Sortable tables: a header button sorts its column; press again to reverse.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-sort-column]") : null;
    if (!button) { return; }
    var table = button.closest("table");
    var column = parseInt(button.getAttribute("data-sort-column"), 10);
    var numeric = button.hasAttribute("data-sort-numeric");
    var descending = button.getAttribute("data-sort-dir") !== "desc";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].getAttribute("data-value") || "";
      var y = b.cells[column].getAttribute("data-value") || "";
      var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll("[data-sort-column]").forEach(function (other) {
      other.removeAttribute("data-sort-dir");
      other.closest("th").removeAttribute("aria-sort");
    });
    button.setAttribute("data-sort-dir", descending ? "desc" : "asc");
    button.closest("th").setAttribute("aria-sort", descending ? "descending" : "ascending");
  });
}());
