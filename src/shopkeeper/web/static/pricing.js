// The Pricing page's three charts, drawn with the vendored Chart.js from JSON the server
// rendered next to each canvas. HTMX swaps (a product picked, the kill switch pressed)
// replace canvases: the old charts are destroyed before, the new ones drawn after.
(function () {
  "use strict";
  var green = "#2f6f5e", orange = "#c0762b", ink = "#26323a", red = "#a3372f";
  var palette = ["#5b6fb5", "#8a5bb5", "#b55b8a", "#5bb5a8", "#b5a35b", "#6b7b83"];

  function read(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }
  function pairs(xs, ys) {
    return xs.map(function (x, i) { return { x: x, y: ys[i] }; });
  }
  function band(label, values, role, colour, axis) {
    return { label: label, data: values, role: role, yAxisID: axis, borderWidth: 0, pointRadius: 0,
             pointHoverRadius: 0, backgroundColor: colour, fill: role === "low" ? "-1" : false };
  }
  function marker(label, point, colour, style) {
    return { label: label, type: "scatter", yAxisID: "profit", data: [{ x: point.price, y: point.profit }],
             backgroundColor: colour, borderColor: colour, pointRadius: 7, pointStyle: style };
  }
  function money(currency) {
    return function (value) {
      try { return new Intl.NumberFormat(document.documentElement.lang, { style: "currency", currency: currency }).format(value); }
      catch (e) { return value.toFixed(2); }
    };
  }
  function done(canvas) { canvas.dataset.drawn = "true"; }

  function drawCurve() {
    var canvas = document.getElementById("curve-chart");
    var data = read("curve-data");
    if (!canvas || !data) { return; }
    var n = data.names, p = data.prices, shown = money(data.currency);
    var datasets = [
      band(n.band, pairs(p, data.profit_high), "high", "rgba(192, 118, 43, 0.18)", "profit"),
      band(n.band, pairs(p, data.profit_low), "low", "rgba(192, 118, 43, 0.18)", "profit"),
      { label: n.profit, data: pairs(p, data.profit), yAxisID: "profit", borderColor: orange,
        backgroundColor: orange, pointRadius: 0, borderWidth: 3, fill: false, role: "profit" },
      band(n.band, pairs(p, data.units_high), "high", "rgba(47, 111, 94, 0.15)", "units"),
      band(n.band, pairs(p, data.units_low), "low", "rgba(47, 111, 94, 0.15)", "units"),
      { label: n.units, data: pairs(p, data.units), yAxisID: "units", borderColor: green,
        backgroundColor: green, pointRadius: 0, borderWidth: 2, borderDash: [6, 4], fill: false, role: "units" },
      marker(n.current, data.current, ink, "circle")
    ];
    if (data.stock_cap !== null) {
      datasets.push({ label: n.stock_cap, yAxisID: "units", borderColor: green, borderWidth: 1,
                      borderDash: [2, 3], pointRadius: 0, fill: false, role: "stock",
                      data: [{ x: p[0], y: data.stock_cap }, { x: p[p.length - 1], y: data.stock_cap }] });
    }
    if (data.proposed) {
      var label = data.proposed.status === "applied" ? n.applied : n.proposed;
      datasets.push(marker(label, data.proposed, red, "triangle"));
    }
    new Chart(canvas, {
      type: "line",
      data: { datasets: datasets },
      options: {
        animation: false, maintainAspectRatio: false, parsing: true,
        interaction: { mode: "nearest", axis: "x", intersect: false },
        plugins: {
          legend: { labels: { filter: function (item, chart) {
            var role = chart.datasets[item.datasetIndex].role;
            return role !== "high" && !(role === "low" && item.datasetIndex > 1); } } },
          tooltip: { filter: function (item) { return item.dataset.role !== "high" && item.dataset.role !== "low"; },
                     callbacks: { title: function (items) { return n.price + ": " + shown(items[0].parsed.x); } } }
        },
        scales: {
          x: { type: "linear", min: p[0], max: p[p.length - 1], title: { display: true, text: n.price },
               ticks: { callback: shown } },
          profit: { type: "linear", position: "left", title: { display: true, text: n.profit_axis } },
          units: { type: "linear", position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
                   title: { display: true, text: n.units_axis } }
        }
      }
    });
    done(canvas);
  }

  function day(ms) { return new Date(ms).toISOString().slice(0, 10); }

  function drawHistory() {
    var canvas = document.getElementById("history-chart");
    var data = read("history-data");
    if (!canvas || !data) { return; }
    var datasets = [{ label: data.names.ours, data: data.ours, stepped: "before", borderColor: green,
                      backgroundColor: green, borderWidth: 3, pointRadius: 0, fill: false }];
    data.competitors.forEach(function (c, i) {
      var colour = palette[i % palette.length];
      datasets.push({ label: c.name, data: c.points, borderColor: colour, backgroundColor: colour,
                      borderWidth: 1.5, pointRadius: 2, fill: false, tension: 0 });
    });
    new Chart(canvas, {
      type: "line",
      data: { datasets: datasets },
      options: {
        animation: false, maintainAspectRatio: false,
        interaction: { mode: "nearest", intersect: false },
        plugins: { tooltip: { callbacks: { title: function (items) { return day(items[0].parsed.x); } } } },
        scales: {
          x: { type: "linear", min: data.since, max: data.until, ticks: { callback: day, maxTicksLimit: 8 } },
          y: { title: { display: true, text: data.names.price } }
        }
      }
    });
    done(canvas);
  }

  function drawEffects() {
    var canvas = document.getElementById("effects-chart");
    var data = read("effects-data");
    if (!canvas || !data) { return; }
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: [
        { label: data.names.expected, data: data.expected, backgroundColor: "rgba(192, 118, 43, 0.55)" },
        { label: data.names.measured, data: data.measured, backgroundColor: green }
      ] },
      options: { animation: false, maintainAspectRatio: false }
    });
    done(canvas);
  }

  function drawAll() { drawCurve(); drawHistory(); drawEffects(); }
  function destroyIn(target) {
    if (typeof Chart === "undefined") { return; }
    target.querySelectorAll("canvas").forEach(function (canvas) {
      var old = Chart.getChart(canvas);
      if (old) { old.destroy(); }
    });
  }
  document.body.addEventListener("htmx:beforeSwap", function (event) { destroyIn(event.detail.target); });
  document.body.addEventListener("htmx:afterSettle", function () {
    // Draw only canvases not drawn yet: the swap may have left the others in place.
    if (typeof Chart === "undefined") { return; }
    ["curve-chart", "history-chart", "effects-chart"].forEach(function (id) {
      var canvas = document.getElementById(id);
      if (canvas && !Chart.getChart(canvas)) {
        ({ "curve-chart": drawCurve, "history-chart": drawHistory, "effects-chart": drawEffects })[id]();
      }
    });
  });
  if (typeof Chart !== "undefined") { drawAll(); }
})();
