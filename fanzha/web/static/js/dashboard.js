/* The dashboard's charts (ECharts, served locally). The figures come embedded in the page as
   JSON (#dashboard-data); losses arrive in fen and are shown in 10,000s of yuan (万元). */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.fanzhaCharts) return;
  var data = JSON.parse(source.textContent);
  var L = data.labels;
  var palette = ["#1f5fa8", "#c8102e", "#e08a00", "#2e8b57", "#6a4c93", "#00838f", "#8d6e63", "#5c6bc0", "#d81b60", "#7cb342", "#757575", "#9e9e9e"];
  var wan = function (fen) { return Math.round(fen / 100) / 10000; };
  function draw(id, option) {
    option.color = palette;
    return window.fanzhaCharts.draw(id, option);
  }

  draw("chart-days", {
    tooltip: { trigger: "axis" },
    legend: { data: [L.cases, L.loss], top: 0 },
    grid: { left: 48, right: 56, top: 36, bottom: 32 },
    xAxis: { type: "category", data: data.days },
    yAxis: [
      { type: "value", name: L.cases, minInterval: 1 },
      { type: "value", name: L.loss, splitLine: { show: false } }
    ],
    series: [
      { name: L.cases, type: "bar", data: data.day_cases, barMaxWidth: 18 },
      { name: L.loss, type: "line", yAxisIndex: 1, symbolSize: 4,
        data: data.day_loss_fen.map(wan) }
    ]
  });

  var types = data.types.slice().reverse();
  draw("chart-types", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: types.map(function (t) { return t.name; }),
             axisLabel: { width: 120, overflow: "truncate" } },
    series: [{ name: L.cases, type: "bar", data: types.map(function (t) { return t.cases; }),
               label: { show: true, position: "right" }, barMaxWidth: 16 }]
  });

  draw("chart-regions", {
    tooltip: { trigger: "item", formatter: function (p) {
      var r = data.regions[p.dataIndex];
      return p.name + "<br>" + L.cases + ": " + r.cases + "<br>" + L.loss + ": " + wan(r.loss_fen);
    } },
    legend: { bottom: 0, type: "scroll" },
    series: [{ name: L.cases, type: "pie", radius: ["38%", "66%"], center: ["50%", "45%"],
               data: data.regions.map(function (r) { return { name: r.name, value: r.cases }; }),
               label: { formatter: "{b}\n{c}" } }]
  });

})();
