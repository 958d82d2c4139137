/* The mule page's score distribution (ECharts, served locally): kept accounts per score band.
   The bands come embedded in the page as JSON (#mules-data). */
(function () {
  "use strict";
  var source = document.getElementById("mules-data");
  var el = document.getElementById("chart-mule-scores");
  if (!source || !el || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var font = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    textStyle: { fontFamily: font },
    tooltip: { trigger: "axis" },
    grid: { left: 44, right: 16, top: 20, bottom: 40 },
    xAxis: { type: "category", name: "", axisLabel: { interval: 3 },
             data: data.bins.map(function (b) { return b.from.toFixed(2); }) },
    yAxis: { type: "log", logBase: 10, minorTick: { show: false } },
    series: [{ name: data.labels.accounts, type: "bar", color: "#1f5fa8", barMaxWidth: 22,
               data: data.bins.map(function (b) { return b.accounts || null; }) }]
  });
  el.dataset.drawn = "1";
  window.addEventListener("resize", function () { chart.resize(); });
})();
