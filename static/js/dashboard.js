// The year-end dashboard's charts (ECharts, served from /static/vendor/echarts/) and copy buttons.
// Data comes from the page (json_script "dashboard-charts"); no inline script, no inline style.
(() => {
  "use strict";
  const root = document.querySelector(".dashboard");
  const source = document.getElementById("dashboard-charts");
  if (!root || !source) return;
  const data = JSON.parse(source.textContent);
  const locale = root.dataset.locale === "ZH" ? "ZH" : "EN";
  const printing = root.dataset.print === "1";
  // Tooltips are elements built here: names go in with textContent (a group's name is never
  // HTML) and the looks come from classes in portal.css. ECharts' own tooltips are HTML strings
  // with style="" attributes, which the CSP blocks, and with the names left unescaped.
  const element = (tag, className, text) => {
    const el = document.createElement(tag);
    el.className = className;
    if (text !== undefined && text !== null) el.textContent = String(text);
    return el;
  };
  const tip = (title, rows) => {
    const box = element("div", "dash-tip");
    if (title) box.append(element("div", "dash-tip-title", title));
    rows.forEach(({ color, name, value }) => {
      const row = element("div", "dash-tip-row");
      const mark = element("span", "dash-tip-mark");
      if (typeof color === "string") mark.style.backgroundColor = color; // CSSOM: allowed by the CSP
      row.append(mark, element("span", "dash-tip-name", name), element("span", "dash-tip-value", value));
      box.append(row);
    });
    return box;
  };
  // ECharts names an unnamed series "series\u00000"; such a name is no title.
  const named = (name) => (name && !name.includes("\u0000") ? name : "");
  const itemTip = (p) => tip(named(p.seriesName), [{ color: p.color, name: p.name, value: p.value }]);
  const axisTip = (params) =>
    tip(params.length ? params[0].axisValueLabel : "", params.map((p) => ({ color: p.color, name: p.seriesName, value: p.value })));
  const cellTip = (d, valueAt) => (p) => tip(d.rows[p.value[1]], [{ name: d.columns[p.value[0]], value: p.value[valueAt] }]);

  // Patterns and marks, not colour alone, so the charts read when printed in black and white.
  const base = {
    animation: !printing,
    aria: { enabled: true, decal: { show: true } },
    textStyle: { fontFamily: "system-ui, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif" },
    tooltip: { className: "dash-tooltip", formatter: itemTip },
  };
  const axisTooltip = { ...base.tooltip, trigger: "axis", formatter: axisTip };
  const symbols = ["circle", "rect", "triangle", "diamond"];
  const lineTypes = ["solid", "dashed", "dotted", "solid"];

  const options = {
    months: (d) => ({
      ...base,
      tooltip: axisTooltip,
      legend: { top: 0, type: "scroll" },
      grid: { left: 40, right: 10, top: 40, bottom: 30 },
      xAxis: { type: "category", data: d.categories },
      yAxis: { type: "value", minInterval: 1 },
      series: d.series.map((s) => ({ ...s, type: "bar", stack: "all", emphasis: { focus: "series" } })),
    }),
    ranking: (d) => ({
      ...base,
      aria: { enabled: true, decal: { show: false } },
      grid: { left: 150, right: 40, top: 10, bottom: 20 },
      xAxis: { type: "value", max: 100 },
      yAxis: { type: "category", data: d.categories, inverse: true, axisLabel: { interval: 0 } },
      series: [{
        type: "bar",
        data: d.values.map((v, i) => ({
          value: v,
          itemStyle: d.own[i] ? { color: "#a4161a", decal: { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [2, 3] } } : { color: "#6c757d" },
        })),
        label: { show: true, position: "right" },
      }],
    }),
    haves: (d) => ({
      ...base,
      aria: { enabled: true, decal: { show: false } }, // the marks ✓ ◐ ✗ carry the meaning
      tooltip: { ...base.tooltip, formatter: cellTip(d, 3) },
      grid: { left: 150, right: 10, top: 60, bottom: 10 },
      xAxis: { type: "category", data: d.columns, position: "top", axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "category", data: d.rows, inverse: true, axisLabel: { interval: 0 } },
      visualMap: {
        type: "piecewise", show: false, dimension: 2,
        pieces: [{ value: 0, color: "#e9a3a7" }, { value: 1, color: "#f3dd9a" }, { value: 2, color: "#9fd2b5" }],
        outOfRange: { color: "#f1f3f5" },
      },
      series: [{
        type: "heatmap",
        data: d.cells.map((c) => [c[0], c[1], c[2] === null ? -1 : c[2], c[3]]),
        label: { show: true, formatter: (p) => p.value[3], color: "#000" },
        itemStyle: { borderColor: "#fff", borderWidth: 1 },
      }],
    }),
    study: (d) => {
      const max = Math.max(1, ...d.cells.map((c) => c[2]));
      return {
        ...base,
        aria: { enabled: true, decal: { show: false } }, // the counts are written in the cells
        tooltip: { ...base.tooltip, formatter: cellTip(d, 2) },
        grid: { left: 150, right: 10, top: 30, bottom: 10 },
        xAxis: { type: "category", data: d.columns, position: "top" },
        yAxis: { type: "category", data: d.rows, inverse: true, axisLabel: { interval: 0 } },
        visualMap: { show: false, min: 0, max, inRange: { color: ["#ffffff", "#6c8ebf"] } },
        series: [{
          type: "heatmap", data: d.cells,
          label: { show: true, color: "#000", formatter: (p) => (p.value[2] ? p.value[2] : "") },
          itemStyle: { borderColor: "#dee2e6", borderWidth: 1 },
        }],
      };
    },
    years: (d) => ({
      ...base,
      tooltip: axisTooltip,
      legend: { top: 0 },
      grid: { left: 40, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: d.categories },
      yAxis: { type: "value", minInterval: 1 },
      series: d.series.map((s, i) => ({
        ...s, type: "line", symbol: symbols[i % 4], symbolSize: 8,
        lineStyle: { type: lineTypes[i % 4], width: 2 }, label: { show: true, position: "top" },
      })),
    }),
  };

  const charts = [];
  if (window.echarts) {
    document.querySelectorAll("[data-chart]").forEach((el) => {
      const build = options[el.dataset.chart];
      if (!build) return;
      // One row per group: the chart grows with the groups (29 in Wenzhou), set through CSSOM (CSP-safe).
      const rows = (data[el.dataset.chart].rows || data[el.dataset.chart].categories || []).length;
      if (el.classList.contains("dash-chart-tall")) el.style.height = `${Math.max(200, rows * (printing ? 20 : 26) + 90)}px`;
      const chart = window.echarts.init(el, null, { renderer: "svg", locale });
      chart.setOption(build(data[el.dataset.chart]));
      charts.push(chart);
    });
  }
  const resize = () => charts.forEach((c) => c.resize());
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
  document.body.dataset.chartsReady = String(charts.length);

  // Copy the bulletin paragraph: <button data-copy="#id" data-copied="…">.
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const text = document.querySelector(button.dataset.copy).textContent.trim();
      try {
        await navigator.clipboard.writeText(text);
      } catch (_err) {
        const range = document.createRange();
        range.selectNodeContents(document.querySelector(button.dataset.copy));
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        document.execCommand("copy");
      }
      const label = button.innerHTML;
      button.textContent = button.dataset.copied;
      setTimeout(() => { button.innerHTML = label; }, 2000);
    });
  });
})();
