// Draw every [data-chart] element with ECharts: the option is JSON built by the server
// (embudo/web/charts.py), already translated and formatted. htmx.onLoad runs for the page
// and for every fragment htmx swaps in; charts in a fragment being replaced are disposed.
(function () {
  "use strict";

  function draw(root) {
    root.querySelectorAll("[data-chart]").forEach(function (element) {
      if (echarts.getInstanceByDom(element)) {
        return;
      }
      var chart = echarts.init(element, null, { renderer: "svg" });
      chart.setOption(JSON.parse(element.getAttribute("data-chart")));
      element.setAttribute("data-drawn", "true");
    });
  }

  function dispose(root) {
    root.querySelectorAll("[data-chart]").forEach(function (element) {
      var chart = echarts.getInstanceByDom(element);
      if (chart) {
        chart.dispose();
      }
    });
  }

  function resizeAll() {
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var chart = echarts.getInstanceByDom(element);
      if (chart) {
        chart.resize();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    htmx.onLoad(draw);
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      dispose(event.detail.target);
    });
    window.addEventListener("resize", resizeAll);
  });
})();
