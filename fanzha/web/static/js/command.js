/* The command dashboard's charts (ECharts, served locally): trends this period against the same
   period a year earlier, and breakdowns by fraud type, victim age band and district. Figures come
   embedded in the page as JSON (#command-data); money arrives in fen and is shown in 万元. */
(function () {
  "use strict";
  var source = document.getElementById("command-data");
  if (!source || !window.fanzhaCharts) return;
  var data = JSON.parse(source.textContent);
  var L = data.labels;
  var THIS = "#1f5fa8", LAST = "#a0a8b5";
  var wan = function (fen) { return Math.round(fen / 100) / 10000; };
  var draw = window.fanzhaCharts.draw;

  function lines(id, thisData, lastData, name) {
    draw(id, {
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: [L.this, L.last] },
      grid: { left: 52, right: 16, top: 36, bottom: 30 },
      xAxis: { type: "category", data: data.trend.x, boundaryGap: false },
      yAxis: { type: "value", name: name, minInterval: 1 },
      series: [
        { name: L.this, type: "line", color: THIS, symbolSize: 4, data: thisData, areaStyle: { opacity: 0.08 } },
        { name: L.last, type: "line", color: LAST, symbolSize: 3, lineStyle: { type: "dashed" }, data: lastData }
      ]
    });
  }
  lines("chart-trend-cases", data.trend.cases_this, data.trend.cases_last, L.cases);
  lines("chart-trend-loss", data.trend.loss_this.map(wan), data.trend.loss_last.map(wan), L.wan);

  function bars(id, rows, horizontal) {
    var names = rows.map(function (r) { return r.name; });
    var cat = { type: "category", data: names, axisLabel: { interval: 0, width: 110, overflow: "truncate" } };
    var val = { type: "value", minInterval: 1 };
    draw(id, {
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: [L.this, L.last] },
      grid: { left: horizontal ? 120 : 40, right: 16, top: 36, bottom: 30 },
      xAxis: horizontal ? val : cat,
      yAxis: horizontal ? Object.assign({}, cat, { inverse: true }) : val,
      series: [
        { name: L.this, type: "bar", color: THIS, barMaxWidth: 18, data: rows.map(function (r) { return r.this; }) },
        { name: L.last, type: "bar", color: LAST, barMaxWidth: 18, data: rows.map(function (r) { return r.last; }) }
      ]
    });
  }
  bars("chart-types", data.types, true);
  bars("chart-ages", data.ages, false);
  bars("chart-regions", data.regions, false);

})();
