/* Publicity next to the case trends (ECharts, served locally): by week, people reached (bars, left
   axis) against events and cases reported (right axis); by district, people reached against cases.
   Figures come embedded in the page as JSON (#publicity-data). */
(function () {
  "use strict";
  var source = document.getElementById("publicity-data");
  if (!source || !window.fanzhaCharts) return;
  var data = JSON.parse(source.textContent);
  var L = data.labels;
  var draw = window.fanzhaCharts.draw;

  function pick(rows, key) { return rows.map(function (r) { return r[key]; }); }

  var weeks = data.weeks;
  draw("chart-weeks", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 52, right: 44, top: 40, bottom: 28 },
    xAxis: { type: "category", data: weeks.map(function (w) { return w.week.slice(5); }) },
    yAxis: [{ type: "value", name: L.people, minInterval: 1 },
            { type: "value", name: L.cases, minInterval: 1, splitLine: { show: false } }],
    series: [
      { name: L.people, type: "bar", color: "#7fb3e6", barMaxWidth: 18, data: pick(weeks, "people") },
      { name: L.events, type: "line", yAxisIndex: 1, color: "#2e8b57", symbolSize: 5, data: pick(weeks, "events") },
      { name: L.cases, type: "line", yAxisIndex: 1, color: "#c8102e", symbolSize: 5, data: pick(weeks, "cases") }
    ]
  });

  var districts = data.districts;
  draw("chart-districts", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 52, right: 44, top: 40, bottom: 48 },
    xAxis: { type: "category", data: pick(districts, "region"), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: [{ type: "value", name: L.people, minInterval: 1 },
            { type: "value", name: L.cases, minInterval: 1, splitLine: { show: false } }],
    series: [
      { name: L.people, type: "bar", barMaxWidth: 22, data: districts.map(function (d) {
          return { value: d.people, itemStyle: { color: d.flagged ? "#e08a00" : "#7fb3e6" } }; }) },
      { name: L.cases, type: "line", yAxisIndex: 1, color: "#c8102e", symbolSize: 6, data: pick(districts, "cases") }
    ]
  });

})();
