// The legend, always visible under the drawing (never on it): every kind shown (colour and shape) and the lines.
import { clear, h } from "./dom.js";
import { kindLabel, t } from "./i18n.js";
import { KIND_ORDER, shapeSvg } from "./kinds.js";

// classes: the kinds of line shown ("path", "suggested", "intro"); a plain relation is always listed.
export function legendEntries(kinds, classes) {
  const nodes = KIND_ORDER.filter((k) => kinds.has(k)).map((k) => ({ kind: k, label: kindLabel(k) }));
  const lines = [{ line: "edge", label: t("legend_edge") }];
  if (classes.has("path")) lines.push({ line: "path", label: t("legend_path") });
  if (classes.has("suggested")) lines.push({ line: "suggested", label: t("legend_suggested") });
  if (classes.has("group")) lines.push({ line: "group", label: t("legend_group") });
  return { nodes, lines };
}

function lineSvg(kind) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", "24");
  svg.setAttribute("height", "10");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  if (kind === "group") {
    svg.setAttribute("viewBox", "0 0 24 14");
    svg.setAttribute("height", "14");
    for (const r of [6, 3.5]) {
      const ring = document.createElementNS(ns, "circle");
      Object.entries({ cx: 12, cy: 7, r }).forEach(([k, v]) => ring.setAttribute(k, v));
      ring.setAttribute("class", "ex-legend__group");
      svg.append(ring);
    }
    return svg;
  }
  const line = document.createElementNS(ns, "line");
  Object.entries({ x1: 1, y1: 5, x2: 23, y2: 5 }).forEach(([k, v]) => line.setAttribute(k, v));
  line.setAttribute("class", `ex-legend__line ex-legend__line--${kind}`);
  svg.append(line);
  return svg;
}

export function renderLegend(root, kinds, classes) {
  const { nodes, lines } = legendEntries(kinds, classes);
  clear(
    root,
    h("h3", { class: "ex-legend__title", id: "legend-title" }, t("legend")),
    h(
      "ul",
      { class: "ex-legend__list", "aria-labelledby": "legend-title" },
      nodes.map((n) => h("li", { dataset: { kind: n.kind } }, shapeSvg(n.kind, 14), n.label)),
      lines.map((l) => h("li", { dataset: { line: l.line } }, lineSvg(l.line), l.label)),
    ),
  );
}
