/* What every page's charts share (ECharts, served locally): the CJK font, one way to draw a chart
   (marking its element data-drawn="1", which the browser tests wait for), and one resize
   listener for all the charts on the page. Load it after echarts.min.js, before the page's script. */
(function () {
  "use strict";
  var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var charts = [];

  function draw(target, option) {
    var el = typeof target === "string" ? document.getElementById(target) : target;
    if (!el || !window.echarts) return null;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    option.textStyle = { fontFamily: FONT };
    chart.setOption(option);
    charts.push(chart);
    el.dataset.drawn = "1";
    return chart;
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.fanzhaCharts = { FONT: FONT, draw: draw };
})();
