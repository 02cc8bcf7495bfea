// SVG charts for the report, rendered by Vega-Lite in Node (no browser, no canvas).
import * as vega from "vega";
import * as vegaLite from "vega-lite";

/**
 * A horizontal bar chart. `rows`: { label, value, series? }; bars of one label are grouped by
 * series when given. `log` for counts spanning orders of magnitude.
 */
export async function barChart({ title, rows, unit, log = false, width = 520 }) {
  const series = rows.some((r) => r.series !== undefined);
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width,
    background: "white",
    data: { values: rows },
    mark: { type: "bar", tooltip: true },
    encoding: {
      y: { field: "label", type: "nominal", sort: null, title: null, axis: { labelLimit: 320 } },
      x: {
        field: "value",
        type: "quantitative",
        title: unit,
        scale: log ? { type: "symlog" } : {},
      },
      ...(series
        ? {
            yOffset: { field: "series", type: "nominal", sort: null },
            color: { field: "series", type: "nominal", sort: null, title: null },
          }
        : { color: { value: "#4c78a8" } }),
    },
    config: { font: "sans-serif", view: { stroke: null } },
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
