/* Goal progress charts on the coaching plan page: measured values over time, baseline and target lines. */
(function () {
  "use strict";
  var source = document.getElementById("goal-charts");
  if (!source || typeof Chart === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  charts.forEach(function (goal) {
    var canvas = document.getElementById("goal-chart-" + goal.id);
    if (!canvas) { return; }
    var labels = goal.points.map(function (p) { return p.x; });
    if (labels.length === 0) { labels = [goal.start]; }
    if (labels[labels.length - 1] < goal.due) { labels.push(goal.due); }
    var values = labels.map(function (day) {
      var point = goal.points.find(function (p) { return p.x === day; });
      return point ? point.y : null;
    });
    var flat = function (value) { return labels.map(function () { return value; }); };
    var datasets = [
      { label: "Measured", data: values, borderColor: "#0b5394", backgroundColor: "#0b5394", spanGaps: true, tension: 0.2 },
      { label: "Target", data: flat(goal.target), borderColor: "#198754", borderDash: [6, 4], pointRadius: 0 }
    ];
    if (goal.baseline !== null) {
      datasets.push({ label: "Baseline", data: flat(goal.baseline), borderColor: "#6c757d", borderDash: [2, 3], pointRadius: 0 });
    }
    new Chart(canvas, {
      type: "line",
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        scales: { x: { ticks: { maxTicksLimit: 6 } } }
      }
    });
  });
})();
