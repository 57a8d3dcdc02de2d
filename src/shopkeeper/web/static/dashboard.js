// Draws every <canvas data-chart="ID"> from the JSON in <script id="ID">, with Chart.js.
(function () {
  "use strict";
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var kind = canvas.dataset.kind || "line";
    new Chart(canvas, {
      type: kind,
      data: {
        labels: data.labels,
        datasets: [{
          label: data.label,
          data: data.values.map(Number),
          borderColor: "#2f6f5e",
          backgroundColor: kind === "bar" ? "#7fb8a4" : "rgba(47, 111, 94, 0.12)",
          fill: kind !== "bar",
          tension: 0,
          pointRadius: data.values.length > 40 ? 0 : 2
        }]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true }, x: { ticks: { maxTicksLimit: 10 } } }
      }
    });
    canvas.dataset.drawn = "true";
  }
  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
