/* Figures pages: draw each chart from its JSON data block (rendered by Django's json_script).
   The tables beside the charts carry the same published numbers; without this script the
   page is complete. Suppressed figures arrive as null and are left out of the chart. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var palette = ["#0d5c63", "#c4622d", "#5b6f9e", "#8a5a00", "#6b8e23", "#a4161a", "#7b5ea7",
    "#2f7f6f", "#b07aa1", "#4e79a7", "#9c755f", "#59a14f", "#e15759", "#76b7b2", "#edc948",
    "#bab0ac"];
  var body = window.getComputedStyle(document.body);
  Chart.defaults.font.family = body.fontFamily;
  Chart.defaults.font.size = 13;
  Chart.defaults.color = "#1d232b";
  Chart.defaults.animation = false;

  function draw(canvas) {
    var block = document.getElementById(canvas.dataset.chart);
    if (!block) { return; }
    var data = JSON.parse(block.textContent);
    var funnel = data.type === "funnel";
    var datasets = data.series.map(function (s, i) {
      return {
        label: s.label,
        data: s.data,
        backgroundColor: palette[i % palette.length],
        borderColor: palette[i % palette.length],
        spanGaps: false
      };
    });
    canvas.parentNode.hidden = false;
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        indexAxis: funnel ? "y" : "x",
        maintainAspectRatio: false,
        plugins: { legend: { display: !funnel, position: "bottom" } },
        scales: {
          x: { stacked: !funnel, ticks: { autoSkip: true, maxRotation: 0 } },
          y: { stacked: !funnel, beginAtZero: true }
        }
      }
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
