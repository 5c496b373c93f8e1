/* SkillHub dashboards: draws the Chart.js trend charts from the #chart-data JSON, sorts tables, enables tooltips.
   No inline scripts (CSP). Charts draw without animation so print and screenshots show them whole. */
(function () {
  "use strict";

  var COLOURS = ["#0b5394", "#b45f06", "#38761d", "#741b47", "#134f5c", "#7f6000", "#990000", "#351c75"];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 1], [8, 8]];

  function formatValue(value, unit) {
    if (value === null || value === undefined) { return "no data"; }
    return value.toLocaleString() + (unit === "%" ? " %" : unit === "s" ? " s" : "");
  }

  function bandDatasets(spec) {
    if (!spec.band) { return []; }
    return spec.band.map(function (edge, i) {
      return {
        label: i === 0 ? "FCR solid band " + spec.band[0] + "–" + spec.band[1] + " %" : "",
        data: spec.labels.map(function () { return edge; }),
        borderColor: "rgba(56, 118, 29, 0.55)",
        backgroundColor: "rgba(56, 118, 29, 0.08)",
        borderDash: [3, 3],
        borderWidth: 1,
        pointRadius: 0,
        fill: i === 1 ? "-1" : false,
        isBand: true
      };
    });
  }

  function drawChart(canvas, spec) {
    var datasets = spec.datasets.map(function (d, i) {
      return {
        label: d.label,
        data: d.data,
        n: d.n,
        nLabel: d.n_label,
        borderColor: COLOURS[i % COLOURS.length],
        backgroundColor: COLOURS[i % COLOURS.length],
        borderDash: DASHES[i % DASHES.length],
        borderWidth: 2,
        thin: d.thin || [],
        minN: d.min_n,
        // A thin point (n under the KPI's minimum sample) is drawn hollow and larger, so it reads as uncertain.
        pointRadius: (d.thin || []).map(function (thin) { return thin ? 4 : (spec.labels.length > 60 ? 0 : 2); }),
        pointBackgroundColor: (d.thin || []).map(function (thin) { return thin ? "#ffffff" : COLOURS[i % COLOURS.length]; }),
        spanGaps: false,
        tension: 0
      };
    }).concat(bandDatasets(spec));
    var chart = new window.Chart(canvas, {
      type: "line",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: {
            labels: { filter: function (item) { return item.text !== ""; }, usePointStyle: false, boxHeight: 2 }
          },
          tooltip: {
            filter: function (item) { return !item.dataset.isBand; },
            callbacks: {
              title: function (items) {
                if (!items.length) { return ""; }
                var i = items[0].dataIndex;
                var partial = spec.partial ? spec.partial[i] : "";
                return spec.labels[i] + (partial ? " — " + partial : "");
              },
              label: function (ctx) {
                var n = ctx.dataset.n ? ctx.dataset.n[ctx.dataIndex] : null;
                var thin = ctx.dataset.thin && ctx.dataset.thin[ctx.dataIndex];
                return ctx.dataset.label + ": " + formatValue(ctx.parsed.y, spec.unit) +
                  (n !== null ? " (n = " + n + " " + ctx.dataset.nLabel + ")" : "") +
                  (thin ? " — thin, under " + ctx.dataset.minN : "");
              }
            }
          }
        },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 10 } },
          y: { beginAtZero: false, title: { display: !!spec.unit, text: spec.unit } }
        }
      }
    });
    canvas.dataset.drawn = "true";
    return chart;
  }

  function drawCharts() {
    var source = document.getElementById("chart-data");
    if (!source || !window.Chart) { return []; }
    var specs = JSON.parse(source.textContent);
    var charts = [];
    specs.forEach(function (spec) {
      var canvas = document.querySelector('canvas[data-chart="' + spec.id + '"]');
      if (canvas) { charts.push(drawChart(canvas, spec)); }
    });
    // Redraw at print size so printed charts are sharp and fit the page.
    window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
    window.addEventListener("afterprint", function () { charts.forEach(function (c) { c.resize(); }); });
    return charts;
  }

  function drawStacked() {
    var source = document.getElementById("hiring-chart");
    var canvas = document.querySelector('canvas[data-chart="pipeline"]');
    if (!source || !canvas || !window.Chart) { return null; }
    var spec = JSON.parse(source.textContent);
    var chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d, i) {
          return { label: d.label, data: d.data, backgroundColor: COLOURS[i % COLOURS.length] };
        })
      },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, indexAxis: "y",
        scales: { x: { stacked: true, title: { display: true, text: "candidates" } }, y: { stacked: true } }
      }
    });
    canvas.dataset.drawn = "true";
    return chart;
  }

  function cellValue(row, index, numeric) {
    var cell = row.children[index];
    if (!cell) { return numeric ? -Infinity : ""; }
    var raw = cell.getAttribute("data-value");
    if (raw === null) { raw = cell.textContent.trim(); }
    if (!numeric) { return raw.toLowerCase(); }
    return raw === "" ? null : parseFloat(raw);
  }

  function sortTable(table, header) {
    var headers = Array.prototype.slice.call(header.parentNode.children);
    var index = headers.indexOf(header);
    var button = header.querySelector(".sort-button");
    var numeric = button && button.getAttribute("data-type") === "number";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
      if (x === y) { return 0; }
      if (x === null) { return 1; }   // no data sorts last either way
      if (y === null) { return -1; }
      return (x < y ? -1 : 1) * (ascending ? 1 : -1);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function wireSorting() {
    document.querySelectorAll("table.sortable").forEach(function (table) {
      table.querySelectorAll("thead .sort-button").forEach(function (button) {
        button.addEventListener("click", function () { sortTable(table, button.closest("th")); });
      });
    });
  }

  function wireTooltips() {
    if (!window.bootstrap) { return; }
    document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
      window.bootstrap.Tooltip.getOrCreateInstance(el);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.skillhubCharts = drawCharts();
    var stacked = drawStacked();
    if (stacked) { window.skillhubCharts.push(stacked); }
    wireSorting();
    wireTooltips();
  });
})();
