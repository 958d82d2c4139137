/* The series list's chart (ECharts, served locally): the largest series by loss, each bar
   labelled with its number of cases. Figures come embedded in the page as JSON (#series-data); money in fen, shown in
   yuan. A bar opens its series. */
(function () {
  "use strict";
  var source = document.getElementById("series-data");
  var el = document.getElementById("chart-series");
  if (!source || !el || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var font = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var rows = data.series.slice().reverse();
  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    textStyle: { fontFamily: font },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
               formatter: function (items) {
                 var s = rows[items[0].dataIndex];
                 return s.no + "<br>" + data.labels.loss + ": " + (s.loss_fen / 100).toLocaleString() +
                        "<br>" + data.labels.cases + ": " + s.cases;
               } },
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    yAxis: { type: "category", data: rows.map(function (s) { return s.no; }), axisLabel: { fontSize: 10 } },
    xAxis: { type: "value", name: data.labels.loss, nameLocation: "middle", nameGap: 24 },
    series: [{ name: data.labels.loss, type: "bar", color: "#c8102e", barMaxWidth: 16,
               label: { show: true, position: "right", fontSize: 10,
                        formatter: function (p) { return rows[p.dataIndex].cases; } },
               data: rows.map(function (s) { return s.loss_fen / 100; }) }]
  });
  chart.on("click", function (p) {
    var s = rows[p.dataIndex];
    if (s) window.location.href = "/analysis/series/" + s.id;
  });
  el.dataset.drawn = "1";
  window.addEventListener("resize", function () { chart.resize(); });
})();
