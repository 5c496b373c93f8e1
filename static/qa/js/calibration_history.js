// Calibration history chart: a reviewer's distance from the benchmark (points) and agreement (%) per session.
(function () {
  const source = document.getElementById("history-data");
  const canvas = document.getElementById("history-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: "Distance from benchmark (points)", data: data.distance, borderColor: "#1f5fa8", yAxisID: "y" },
        { label: "Agreement (%)", data: data.agreement, borderColor: "#2e8540", yAxisID: "y2" },
      ],
    },
    options: {
      scales: {
        y: { title: { display: true, text: "points" } },
        y2: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: "%" } },
      },
    },
  });
})();
