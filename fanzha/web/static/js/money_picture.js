/* A case's money as a Sankey (ECharts, served locally): the victim on the left, every level of
   accounts after it, and cash, purchases, untraced money and money still held on the right.
   The data come embedded in the page as JSON (#money-data); sums arrive in yuan and fen. On a
   narrow screen the chart runs top to bottom. */
(function () {
  "use strict";
  var source = document.getElementById("money-data");
  var el = document.getElementById("money-sankey");
  if (!source || !el || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var font = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var colours = { victim: "#c8102e", account: "#1f5fa8", cash: "#e08a00", purchase: "#6a4c93",
                  untraced: "#9e9e9e", held: "#2e8b57" };
  var stateColours = { stopped: "#0d7a4a", frozen: "#00838f", sent: "#1f5fa8", rejected: "#8d6e63",
                       expired: "#757575", released: "#757575" };
  var labelOf = {}, accountOf = {};
  data.nodes.forEach(function (n) { labelOf[n.name] = n.label; accountOf[n.name] = n.account; });
  var yuan = function (v) {
    return v.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  };
  var levels = 1 + Math.max.apply(null, data.nodes.map(function (n) { return n.depth; }));
  var narrow = function () { return el.clientWidth < 560; };

  function size() {  /* tall enough for every level (phone) or every node (wide screen) */
    el.style.height = (narrow() ? Math.max(420, levels * 110) : Math.max(320, Math.min(760, data.nodes.length * 34))) + "px";
  }

  size();
  var chart = echarts.init(el, null, { renderer: "canvas" });
  el.dataset.drawn = "0";

  function option() {
    var thin = narrow();
    return {
      animation: false,
      textStyle: { fontFamily: font },
      tooltip: {
        trigger: "item", triggerOn: "mousemove click",
        formatter: function (p) {
          if (p.dataType === "edge") {
            return labelOf[p.data.source] + " → " + labelOf[p.data.target] + "<br>" + yuan(p.data.value) + " " + data.labels.yuan;
          }
          return (accountOf[p.name] || labelOf[p.name]) + "<br>" + yuan(p.value) + " " + data.labels.yuan;
        }
      },
      series: [{
        type: "sankey", orient: thin ? "vertical" : "horizontal", draggable: false,
        left: thin ? 8 : 16, right: thin ? 8 : 120, top: thin ? 24 : 12, bottom: thin ? 40 : 12,
        nodeWidth: 14, nodeGap: 10, layoutIterations: 32, emphasis: { focus: "adjacency" },
        nodeAlign: "left",
        data: data.nodes.map(function (n) {
          var colour = n.kind === "account" && n.state ? stateColours[n.state] || colours.account : colours[n.kind];
          return { name: n.name, depth: n.depth, itemStyle: { color: colour } };
        }),
        links: data.links.map(function (l) { return { source: l.source, target: l.target, value: l.value }; }),
        lineStyle: { color: "gradient", opacity: 0.35, curveness: 0.5 },
        label: {
          position: thin ? "bottom" : "right", fontSize: thin ? 10 : 12,
          formatter: function (p) { return labelOf[p.name]; }
        }
      }]
    };
  }

  chart.on("finished", function () { el.dataset.drawn = "1"; });
  chart.setOption(option());
  window.addEventListener("resize", function () {
    size();
    chart.resize();
    chart.setOption(option(), { replaceMerge: ["series"] });
  });
})();
