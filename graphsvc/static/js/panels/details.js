// The detail panel: the chosen stakeholder (or the one in the middle) in words, with what to do next.
import { NODE_FIELDS, gql, has, mayAsk } from "../api.js";
import { button, clear, h } from "../dom.js";
import { kindLabel, levelLabel, needLabel, relationLabel, statusLabel, t, themeLabel, typeLabel } from "../i18n.js";
import { loadRecord, renderMeeting, renderRecord, staleMark } from "../editing.js";
import { dateLabel } from "../forms.js";
import { shapeSvg } from "../kinds.js";

const DETAIL = `query Detail($id: ID!) {
  node(id: $id) {
    ${NODE_FIELDS}
    ... on Stakeholder { tags relations(first: 100) { totalCount nodes { kind source { __typename id } target { __typename id } } } }
    ... on Initiative { status needs started }
    ... on Wijkpartner { type offers capacity }
    ... on Organisation { type offers }
    ... on MunicipalityRole { type offers holder }
  }
}`;

const cache = new Map();
let shownFor = null;
let version = 0; // goes up after every write from this page: the details are asked again

export function init(app) {
  document.getElementById("panel-details").append(h("div", { id: "details-body" }), h("div", { id: "details-record" }));
}

// After a write: forget what was asked before and draw the network again.
export async function changed(app, ...ids) {
  for (const id of ids) cache.delete(id);
  version += 1;
  shownFor = null;
  await app.refresh({ force: true });
}

export async function update(app) {
  const root = document.getElementById("details-body");
  if (!root) return;
  const id = app.state.sel || app.model.centre;
  const record = document.getElementById("details-record");
  if (!id) {
    shownFor = null;
    clear(root, h("p", { class: "utrecht-paragraph" }, t("details_none")));
    clear(record);
    return;
  }
  const key = `${id}|${app.state.lang}|${app.modelKey}|${app.state.sel}|${has("matchPartners")}|${version}|${app.me?.role}`;
  if (key === shownFor) return;
  shownFor = key;
  let node = cache.get(id);
  if (!node) {
    try {
      node = (await gql(DETAIL, { id })).node;
    } catch (error) {
      clear(root, h("p", { class: "utrecht-paragraph" }, t("error", { message: error.message })));
      return;
    }
    if (node) cache.set(id, node);
  }
  if (shownFor !== key) return;
  if (!node) {
    clear(root, h("p", { class: "utrecht-paragraph" }, t("details_none")));
    clear(record);
    return;
  }
  const kind = node.kind ?? "MEETING";
  const ties = relationCounts(node);
  const areas = (node.areas ?? []).map((a, i) => [i ? ", " : "", h("span", { translate: "no" }, a.name), ` (${levelLabel(a.level)})`]);
  const rows = [
    [t("details_kind"), h("span", { class: "ex-kind" }, shapeSvg(kind, 14), kindLabel(kind), node.type ? ` (${typeLabel(node.type)})` : "")],
    [t("details_themes"), (node.themes ?? []).map((x) => themeLabel(x.key)).join(", ") || t("none")],
    [t("details_areas"), areas.length ? areas : t("none")],
  ];
  if (node.status) rows.push([t("details_status"), statusLabel(node.status)]);
  if (node.needs) rows.push([t("details_needs"), node.needs.map(needLabel).join(", ") || t("none")]);
  if (node.offers) rows.push([t("details_offers"), node.offers.map(needLabel).join(", ") || t("none")]);
  if (node.tags?.length) rows.push([t("details_tags"), node.tags.join(", ")]);
  if (ties) rows.push([t("details_relations"), ties.withAreas ? t("details_relations_areas", { n: ties.drawable, areas: ties.withAreas }) : String(ties.drawable)]);

  const inView = app.shown.edges
    .filter((e) => e.source === id || e.target === id)
    .map((e) => {
      const other = e.source === id ? e.target : e.source;
      return { other, relation: `${relationLabel(e.kind)} ${e.source === id ? "→" : "←"} `, name: app.model.nodes.get(other)?.name ?? other };
    })
    .sort((a, b) => a.relation.localeCompare(b.relation) || a.name.localeCompare(b.name));

  const focus = app.state.focus;
  clear(
    root,
    h("h3", { class: "utrecht-heading-3", id: "details-name", translate: "no" }, node.name),
    h("p", { class: "ex-fresh", id: "details-fresh", hidden: true }),
    h("dl", { class: "ex-dl" }, rows.map(([dt, dd]) => [h("dt", {}, dt), h("dd", {}, dd)])),
    h(
      "div",
      { class: "ex-actions" },
      id !== focus || app.state.view !== "ego" ? button(t("centre_here"), () => app.centre(id), { class: "utrecht-button utrecht-button--primary-action" }) : null,
      focus && id !== focus
        ? button(t("path_to_this"), () => app.setState({ view: "paths", to: id, tab: "paths", suggest: null }, { push: true }))
        : null,
      node.kind === "INITIATIVE" && has("matchPartners")
        ? button(t("match_for_this"), () => app.setState({ view: "match", mid: id, tab: "match", sel: null, expand: [], hide: [], only: null, open: [] }, { push: true }))
        : null,
      node.kind ? button(t("suggest_for_this"), () => app.setState({ tab: "suggestions", scope: "selected", sfor: id })) : null,
    ),
    inView.length
      ? [
          h(
            "h4",
            { class: "ex-subtitle", id: "details-in-view" },
            ties && inView.length < ties.drawable ? t("details_in_view_of", { n: inView.length, total: ties.drawable }) : t("details_in_view", { n: inView.length }),
          ),
          h(
            "ul",
            { class: "ex-relations" },
            inView.map((r) => h("li", {}, r.relation, h("button", { type: "button", class: "ex-linkbutton", translate: "no", onclick: () => app.select(r.other) }, r.name))),
          ),
        ]
      : null,
  );
  await showRecord(app, id, key);
}

// The record under the details: its ties with dates and freshness, and for editors what to do with it.
async function showRecord(app, id, key) {
  const record = document.getElementById("details-record");
  if (!mayAsk(app.me)) return clear(record);
  let node;
  try {
    node = await loadRecord(id);
  } catch (error) {
    if (shownFor === key) clear(record, h("p", { class: "utrecht-paragraph" }, t("error", { message: error.message })));
    return;
  }
  if (shownFor !== key) return;
  if (node?.__typename === "Meeting") {
    try {
      await renderMeeting(app, record, id, (...ids) => changed(app, ...ids));
    } catch (error) {
      clear(record, h("p", { class: "utrecht-paragraph" }, t("error", { message: error.message })));
    }
    return;
  }
  if (!node?.kind) return clear(record);
  const fresh = document.getElementById("details-fresh");
  if (fresh && "confirmedOn" in node) {
    fresh.hidden = false;
    clear(fresh, node.stale ? staleMark(node) : node.confirmedOn ? t("confirmed_on", { date: dateLabel(node.confirmedOn, app.state.lang) }) : null);
    fresh.hidden = !fresh.textContent;
  }
  renderRecord(app, record, node, {
    onChanged: async (changedId, { merged } = {}) => {
      await changed(app, id, changedId, merged);
      app.showTab("details");
    },
  });
}

// Its relations as the drawing counts them: one per kind and pair, ties to areas apart.
function relationCounts(node) {
  if (!node.relations) return null;
  const drawn = new Set();
  let withAreas = 0;
  for (const r of node.relations.nodes ?? []) {
    if (!r.source || !r.target) continue;
    if (r.source.__typename === "Area" || r.target.__typename === "Area") {
      withAreas += 1;
      continue;
    }
    const [a, b] = [r.source.id, r.target.id].sort();
    drawn.add(`${r.kind}:${a}:${b}`);
  }
  const more = Math.max(0, node.relations.totalCount - (node.relations.nodes?.length ?? 0)); // beyond the first 100
  return { drawable: drawn.size + more, withAreas };
}
