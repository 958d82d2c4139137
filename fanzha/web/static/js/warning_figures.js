/* The warning desk's charts (ECharts, served locally): open leads by grade and age, leads and
   dissuasion by day with the loss avoided, sources and fraud types. Figures come embedded in the
   page as JSON (#warning-data); money arrives in fen and is shown in yuan. */
(function () {
  "use strict";
  var source = document.getElementById("warning-data");
  if (!source || !window.fanzhaCharts) return;
  var data = JSON.parse(source.textContent);
  var L = data.labels;
  var grades = { high: "#c8102e", medium: "#e08a00", low: "#7a8594" };
  var draw = window.fanzhaCharts.draw;

  draw("chart-open", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "category", data: data.figures.age_buckets },
    yAxis: { type: "value", minInterval: 1 },
    series: ["high", "medium", "low"].map(function (g) {
      var counts = data.figures.open[g] || {};
      return { name: L.grade[g], type: "bar", stack: "open", color: grades[g], barMaxWidth: 28,
               data: data.figures.age_buckets.map(function (b) { return counts[b] || 0; }) };
    })
  });

  var days = data.figures.days;
  draw("chart-days", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 44, right: 60, top: 36, bottom: 28 },
    xAxis: { type: "category", data: days.map(function (d) { return d.day.slice(5); }) },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", splitLine: { show: false } }],
    series: [
      { name: L.raised, type: "bar", color: "#1f5fa8", barMaxWidth: 14, data: days.map(function (d) { return d.raised; }) },
      { name: L.dissuaded, type: "bar", color: "#2e8b57", barMaxWidth: 14, data: days.map(function (d) { return d.dissuaded; }) },
      { name: L.avoided, type: "line", yAxisIndex: 1, color: "#6a4c93", symbolSize: 4,
        data: days.map(function (d) { return d.loss_avoided_fen / 100; }) }
    ]
  });

  function pie(id, counts, names) {
    draw(id, {
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "65%"], label: { formatter: "{b}\n{c}" },
                 data: Object.keys(counts).map(function (k) { return { name: names[k] || k, value: counts[k] }; }) }]
    });
  }
  pie("chart-sources", data.figures.sources, L.sources);
  pie("chart-types", data.figures.fraud_types, L.types);

})();
