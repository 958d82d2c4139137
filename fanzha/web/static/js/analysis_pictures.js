/* The analysis desk's small charts (ECharts, served locally): a series' events per day, stacked
   by kind, and suspects and cards per province. Figures come embedded in the page as JSON. */
(function () {
  "use strict";
  if (!window.fanzhaCharts) return;
  var draw = window.fanzhaCharts.draw;

  var timeline = document.getElementById("timeline-data");
  if (timeline) {
    var t = JSON.parse(timeline.textContent);
    draw("chart-timeline", {
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 36, right: 12, top: 36, bottom: 28 },
      xAxis: { type: "category", data: t.days.map(function (d) { return d.day; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: t.kinds.map(function (k) {
        return { name: t.labels[k], type: "bar", stack: "events", data: t.days.map(function (d) { return d[k]; }) };
      })
    });
  }
  var where = document.getElementById("where-data");
  if (where) {
    var w = JSON.parse(where.textContent);
    draw("chart-where", {
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 36, right: 12, top: 36, bottom: 40 },
      xAxis: { type: "category", data: w.provinces.map(function (p) { return p.province; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: ["suspects", "caught", "cards"].map(function (k) {
        return { name: w.labels[k], type: "bar", data: w.provinces.map(function (p) { return p[k]; }) };
      })
    });
  }
})();
