// Every graph view mirrored as two HTML tables (stakeholders, relations): the same data for the
// keyboard and the screen reader. A name is a button that chooses the stakeholder.
import { clear, h } from "./dom.js";
import { kindLabel, relationLabel, t, themeLabel } from "./i18n.js";
import { shapeSvg } from "./kinds.js";

function table(caption, headers, rows, cls) {
  return h(
    "div",
    { class: "utrecht-table-container ex-table-scroll", tabindex: "0", role: "region", "aria-label": caption },
    h(
      "table",
      { class: `utrecht-table utrecht-table--html-table ${cls}` },
      h("caption", { class: "utrecht-table__caption" }, caption),
      h("thead", { class: "utrecht-table__header" }, h("tr", { class: "utrecht-table__row" }, headers.map((x) => h("th", { class: "utrecht-table__header-cell", scope: "col" }, x)))),
      h("tbody", { class: "utrecht-table__body" }, rows),
    ),
  );
}

export function renderMirror(root, model, shown, { selected, onSelect }) {
  const nameOf = (id) => model.nodes.get(id)?.name ?? id;
  const areaName = (code) => model.areaNames.get(code) ?? code;
  const nodes = [...shown.nodes].sort((a, b) => (a.hops ?? 0) - (b.hops ?? 0) || a.name.localeCompare(b.name));
  const nodeRows = nodes.map((n) =>
    h(
      "tr",
      { class: `utrecht-table__row${n.id === selected ? " utrecht-table__row--selected" : ""}`, dataset: { id: n.id, kind: n.kind } },
      h(
        "th",
        { class: "utrecht-table__header-cell", scope: "row" },
        h(
          "button",
          { type: "button", class: "ex-linkbutton", translate: "no", "aria-pressed": String(n.id === selected), onclick: () => onSelect(n.id, { from: "mirror" }) },
          n.name,
        ),
      ),
      h("td", { class: "utrecht-table__cell" }, h("span", { class: "ex-kind" }, shapeSvg(n.kind, 12), kindLabel(n.kind))),
      h("td", { class: "utrecht-table__cell utrecht-table__cell--numeric-data" }, String(n.hops ?? "")),
      h("td", { class: "utrecht-table__cell" }, n.themes.map(themeLabel).join(", ")),
      h("td", { class: "utrecht-table__cell", translate: "no" }, n.wijken.map(areaName).join(", ")),
    ),
  );
  const edgeRows = shown.edges
    .map((e) => ({ e, from: nameOf(e.source), to: nameOf(e.target) }))
    .sort((a, b) => a.from.localeCompare(b.from) || a.e.kind.localeCompare(b.e.kind) || a.to.localeCompare(b.to))
    .map(({ e, from, to }) =>
      h(
        "tr",
        { class: "utrecht-table__row", dataset: { source: e.source, target: e.target, kind: e.kind } },
        h("td", { class: "utrecht-table__cell", translate: "no" }, from),
        h("td", { class: "utrecht-table__cell" }, relationLabel(e.kind)),
        h("td", { class: "utrecht-table__cell", translate: "no" }, to),
      ),
    );
  clear(
    root,
    table(t("nodes_caption", { n: nodes.length }), [t("col_name"), t("col_kind"), t("col_hops"), t("col_themes"), t("col_wijk")], nodeRows, "ex-nodes"),
    table(t("edges_caption", { n: edgeRows.length }), [t("col_from"), t("col_relation"), t("col_to")], edgeRows, "ex-edges"),
  );
}
