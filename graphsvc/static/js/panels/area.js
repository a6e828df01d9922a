// Per area: bridges (brokers), groups (communities, which a broker can name on this computer) and
// coverage gaps as a neighbourhood-by-theme grid; each row can be shown in the graph.
import { NODE_FIELDS, STAKEHOLDER_FIELDS, gql, has, hasArg } from "../api.js";
import { clear, h } from "../dom.js";
import { kindLabel, number, percent, t, themeLabel } from "../i18n.js";
import { subgraphModel } from "../loaders.js";
import { areaSelect, labelled, relabelThemes, themeSelect } from "./common.js";

const BROKERS = `query Brokers($area: String, $theme: String) {
  brokers(areaCode: $area, theme: $theme, first: 10) {
    exact
    brokers { betweenness effectiveSize constraint degree stakeholder { id ... on Stakeholder { name kind } } }
  }
}`;
const COMMUNITIES = `query Communities($area: String, $theme: String) {
  communities(areaCode: $area, theme: $theme) {
    communities { id size themes { members theme { key } } members(first: 5) { id ... on Stakeholder { name } } }
  }
}`;
const GROUP = `query Group($area: String, $theme: String) {
  communities(areaCode: $area, theme: $theme) { communities { id members(first: 100) { ${NODE_FIELDS} } } }
}`;
const GAP_FIELDS = `
    missing withoutInitiative withoutPartner
    area { code name level parent { code name level } }
    residentsOrganisations { id }
    themes { theme initiatives { id } districtInitiatives { id } partners { id } }`;
const GAPS = `query Gaps($area: String!, $themes: [String!]) { coverageGaps(areaCode: $area, themes: $themes) { ${GAP_FIELDS} } }`;
// A server that answers per level itself (coverageGaps(level:)) is asked so; others get the buurten
// and the page adds them up per wijk.
const GAPS_LEVEL = `query Gaps($area: String!, $themes: [String!], $level: AreaLevel) { coverageGaps(areaCode: $area, themes: $themes, level: $level) { ${GAP_FIELDS} } }`;
const LEVELS = ["NEIGHBOURHOOD", "DISTRICT"];
const PLACE = `query Place($area: String!, $themes: [String!]) { stakeholders(areaCode: $area, themes: $themes, first: 100) { nodes { ${STAKEHOLDER_FIELDS} } } }`;
const GROUPS_SHOWN = 12;

let loadedKey = null;
let pending = null;
let rendered = null;

export function init(app) {
  const root = document.getElementById("panel-area");
  root.append(h("p", { class: "utrecht-paragraph", "data-i18n": "area_intro" }, t("area_intro")));
  app.views.group = {
    key: (s) => (s.group !== undefined && s.aarea ? `group|${s.aarea}|${s.atheme ?? ""}|${s.group}` : ""),
    load: async (s) => {
      const data = await gql(GROUP, { area: s.aarea, theme: s.atheme ?? null });
      const group = data.communities.communities.find((c) => String(c.id) === String(s.group));
      return { model: await subgraphModel(group?.members ?? [], "group") };
    },
  };
  app.views.place = {
    key: (s) => (s.place ? `place|${s.place}|${s.atheme ?? ""}` : ""),
    load: async (s) => {
      const data = await gql(PLACE, { area: s.place, themes: s.atheme ? [s.atheme] : null });
      return { model: await subgraphModel(data.stakeholders.nodes, "place") };
    },
  };
  const form = h(
    "form",
    { class: "ex-form", id: "area-form" },
    h(
      "div",
      { class: "ex-inline" },
      labelled("area-area", "area", areaSelect(app, "area-area", app.state.aarea)),
      labelled("area-theme", "theme", themeSelect(app, "area-theme", app.state.atheme)),
      labelled(
        "area-level",
        "gaps_level",
        h(
          "select",
          { id: "area-level", class: "utrecht-select utrecht-select--html-select" },
          LEVELS.map((level) => h("option", { value: level, selected: level === (app.state.alevel ?? "NEIGHBOURHOOD"), "data-i18n": `gaps_per_${level}` }, t(`gaps_per_${level}`))),
        ),
      ),
    ),
    h("div", {}, h("button", { type: "submit", class: "utrecht-button utrecht-button--primary-action", "data-i18n": "area_show" }, t("area_show"))),
  );
  root.append(form, h("p", { id: "area-status", role: "status", class: "utrecht-paragraph" }), h("div", { id: "area-result" }));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const aarea = form.querySelector("#area-area").value || null;
    const alevel = form.querySelector("#area-level").value;
    app.setState({ tab: "area", aarea, atheme: form.querySelector("#area-theme").value || null, alevel: alevel === "NEIGHBOURHOOD" ? null : alevel });
  });
}

async function fetchAll(vars) {
  const ask = (field, query, v) => (has(field) ? gql(query, v).catch((error) => ({ error })) : Promise.resolve(null));
  const themes = vars.theme ? [vars.theme] : null;
  const byServer = vars.level !== "NEIGHBOURHOOD" && hasArg("coverageGaps", "level");
  const [brokers, communities, gaps] = await Promise.all([
    ask("brokers", BROKERS, { area: vars.area, theme: vars.theme }),
    ask("communities", COMMUNITIES, { area: vars.area, theme: vars.theme }),
    byServer ? ask("coverageGaps", GAPS_LEVEL, { area: vars.area, themes, level: vars.level }) : ask("coverageGaps", GAPS, { area: vars.area, themes }),
  ]);
  if (gaps?.coverageGaps && vars.level === "DISTRICT" && !byServer) gaps.coverageGaps = perDistrict(gaps.coverageGaps);
  return { brokers, communities, gaps };
}

// Buurten added up per wijk: a theme lacks an initiative (a partner) in the wijk when none of its
// buurten has one; a residents' organisation anywhere in it counts for the wijk.
export function perDistrict(gaps) {
  const byWijk = new Map();
  for (const gap of gaps) {
    const wijk = gap.area?.level === "NEIGHBOURHOOD" ? (gap.area.parent ?? gap.area) : gap.area; // a wijk without buurten stands for itself
    if (!wijk) continue;
    if (!byWijk.has(wijk.code)) byWijk.set(wijk.code, { area: { code: wijk.code, name: wijk.name, level: wijk.level }, themes: new Map(), residents: new Set() });
    const entry = byWijk.get(wijk.code);
    for (const r of gap.residentsOrganisations) entry.residents.add(r.id);
    for (const cover of gap.themes) {
      const t = entry.themes.get(cover.theme) ?? { theme: cover.theme, initiatives: new Set(), partners: new Set() };
      for (const x of [...cover.initiatives, ...(cover.districtInitiatives ?? [])]) t.initiatives.add(x.id);
      for (const x of cover.partners) t.partners.add(x.id);
      entry.themes.set(cover.theme, t);
    }
  }
  return [...byWijk.values()]
    .map((entry) => {
      const themes = [...entry.themes.values()].map((x) => ({ theme: x.theme, initiatives: [...x.initiatives].map((id) => ({ id })), partners: [...x.partners].map((id) => ({ id })) }));
      const withoutInitiative = themes.filter((x) => !x.initiatives.length).map((x) => x.theme);
      const withoutPartner = themes.filter((x) => !x.partners.length).map((x) => x.theme);
      const residentsOrganisations = [...entry.residents].map((id) => ({ id }));
      const missing = withoutInitiative.length + withoutPartner.length + (residentsOrganisations.length ? 0 : 1);
      return { area: entry.area, themes, withoutInitiative, withoutPartner, residentsOrganisations, missing };
    })
    .sort((a, b) => b.missing - a.missing || a.area.name.localeCompare(b.area.name));
}

export async function update(app) {
  if (app.state.tab !== "area") return;
  const themes = document.getElementById("area-theme");
  if (!themes) return; // not built yet
  relabelThemes(themes);
  const s = app.state;
  const result = document.getElementById("area-result");
  const status = document.getElementById("area-status");
  if (!s.aarea) {
    clear(result);
    loadedKey = null;
    return;
  }
  const vars = { area: s.aarea, theme: s.atheme ?? null, level: s.alevel ?? "NEIGHBOURHOOD" };
  const key = JSON.stringify(vars);
  if (key !== loadedKey) {
    loadedKey = key;
    rendered = null;
    status.textContent = t("loading");
    pending = fetchAll(vars);
  }
  const mine = pending;
  const data = await mine;
  if (mine !== pending) return;
  const renderKey = `${key}|${s.lang}`;
  if (renderKey === rendered) return;
  rendered = renderKey;
  status.textContent = "";
  clear(result, gaps(app, data.gaps, vars), bridges(app, data.brokers), groups(app, data.communities, key));
}

function section(id, titleKey, introKey, unavailableKey, body) {
  return h(
    "section",
    { "aria-labelledby": `${id}-title`, id },
    h("h3", { class: "utrecht-heading-3", id: `${id}-title` }, t(titleKey)),
    h("p", { class: "utrecht-paragraph" }, t(body === null ? unavailableKey : introKey)),
    body,
  );
}

function problem(data) {
  return data?.error ? h("p", { class: "utrecht-paragraph" }, t("error", { message: data.error.message })) : null;
}

function showButton(label, onclick) {
  return h("button", { type: "button", class: "utrecht-button utrecht-button--secondary-action ex-small", "aria-label": `${t("show_in_graph")}: ${label}`, onclick }, t("show_in_graph"));
}

function tableOf(id, captionKey, head, rows) {
  return h(
    "div",
    { class: "utrecht-table-container ex-table-scroll", tabindex: "0", role: "region", "aria-labelledby": `${id}-caption` },
    h(
      "table",
      { class: "utrecht-table utrecht-table--html-table", id },
      h("caption", { id: `${id}-caption`, class: "utrecht-table__caption" }, t(captionKey)),
      h("thead", { class: "utrecht-table__header" }, h("tr", { class: "utrecht-table__row" }, head.map((x) => h("th", { class: "utrecht-table__header-cell", scope: "col" }, x)))),
      h("tbody", { class: "utrecht-table__body" }, rows),
    ),
  );
}

function bridges(app, data) {
  if (data === null) return section("bridges", "bridges", "bridges_intro", "bridges_unavailable", null);
  if (data.error) return section("bridges", "bridges", "bridges_intro", "", problem(data));
  const rows = data.brokers.brokers
    .filter((b) => b.stakeholder)
    .map((b) =>
      h(
        "tr",
        { class: "utrecht-table__row", dataset: { id: b.stakeholder.id } },
        h("th", { class: "utrecht-table__header-cell", scope: "row" }, h("span", { translate: "no" }, b.stakeholder.name), h("br"), h("small", {}, kindLabel(b.stakeholder.kind))),
        h("td", { class: "utrecht-table__cell" }, t("bridge_words", { pct: percent(b.betweenness), contacts: number(b.effectiveSize, 0) })),
        h("td", { class: "utrecht-table__cell" }, showButton(b.stakeholder.name, () => app.centre(b.stakeholder.id))),
      ),
    );
  return section("bridges", "bridges", "bridges_intro", "", tableOf("bridges-table", "bridges", [t("col_name"), t("col_why"), t("col_actions")], rows));
}

function groupName(key, id) {
  return localStorage.getItem(`graphsvc.group.${key}.${id}`) ?? "";
}

function groups(app, data, key) {
  if (data === null) return section("groups", "groups", "groups_intro", "groups_unavailable", null);
  if (data.error) return section("groups", "groups", "groups_intro", "", problem(data));
  const list = data.communities.communities.slice(0, GROUPS_SHOWN).map((c) => {
    const fallback = t("group_default", { n: c.id + 1 });
    const input = h("input", {
      id: `group-name-${c.id}`,
      class: "utrecht-textbox utrecht-textbox--html-input",
      type: "text",
      value: groupName(key, c.id),
      placeholder: fallback,
      onchange: (e) => {
        const value = e.target.value.trim();
        if (value) localStorage.setItem(`graphsvc.group.${key}.${c.id}`, value);
        else localStorage.removeItem(`graphsvc.group.${key}.${c.id}`);
        heading.textContent = value || fallback;
      },
    });
    const heading = h("h4", { class: "ex-subtitle", id: `group-title-${c.id}`, translate: groupName(key, c.id) ? "no" : null }, groupName(key, c.id) || fallback);
    return h(
      "li",
      { class: "ex-group", dataset: { id: c.id, size: c.size } },
      heading,
      h("p", { class: "utrecht-paragraph" }, t("group_size", { n: c.size }), " · ", c.themes.map((x) => themeLabel(x.theme?.key)).join(", ")),
      h("p", { class: "utrecht-paragraph" }, `${t("group_members")}: `, h("span", { translate: "no" }, c.members.map((m) => m.name).join(", "))),
      h(
        "div",
        { class: "ex-inline" },
        h("div", { class: "utrecht-form-field" }, h("label", { class: "utrecht-form-label", for: `group-name-${c.id}` }, t("group_name", { n: c.id + 1 })), input),
        showButton(groupName(key, c.id) || fallback, () => app.setState({ view: "group", group: String(c.id), sel: null, expand: [], hide: [], only: null, open: [] }, { push: true }))),
    );
  });
  return section("groups", "groups", "groups_intro", "", h("ul", { class: "ex-groups", id: "groups-list" }, list));
}

// Coverage gaps as one readable row per buurt (or wijk): how much is missing, on which of the themes
// asked there is no running initiative or no partner, and whether there is a residents' organisation.
function gaps(app, data, vars) {
  if (data === null) return section("gaps", "gaps", "gaps_intro", "gaps_unavailable", null);
  if (data.error) return section("gaps", "gaps", "gaps_intro", "", problem(data));
  const found = data.coverageGaps;
  // The shorter of the two ways to say it: the themes lacking, or all but the themes covered.
  const themes = (list, all) => {
    if (!list.length) return t("gap_covered");
    if (list.length === all.length && all.length > 1) return t("gap_all_themes");
    if (list.length > all.length / 2 && all.length > 3) return t("gap_all_but", { themes: all.filter((x) => !list.includes(x)).map(themeLabel).join(", ") });
    return list.map(themeLabel).join(", ");
  };
  const rows = found.map((gap) => {
    const name = gap.area?.name ?? "";
    const all = gap.themes.map((x) => x.theme);
    return h(
      "tr",
      { class: "utrecht-table__row", dataset: { code: gap.area?.code, missing: gap.missing } },
      h(
        "th",
        { class: "utrecht-table__header-cell", scope: "row" },
        h("span", { translate: "no" }, name),
        gap.area ? h("div", {}, showButton(name, () => app.setState({ view: "place", place: gap.area.code, sel: null, expand: [], hide: [], only: null, open: [] }, { push: true }))) : null,
      ),
      h("td", { class: "utrecht-table__cell utrecht-table__cell--numeric-data" }, String(gap.missing)),
      h("td", { class: `utrecht-table__cell${gap.withoutInitiative.length ? " ex-gap" : ""}`, dataset: { withoutInitiative: gap.withoutInitiative.join(",") } }, themes(gap.withoutInitiative, all)),
      h("td", { class: `utrecht-table__cell${gap.withoutPartner.length ? " ex-gap" : ""}`, dataset: { withoutPartner: gap.withoutPartner.join(",") } }, themes(gap.withoutPartner, all)),
      h("td", { class: `utrecht-table__cell${gap.residentsOrganisations.length ? "" : " ex-gap"}` }, gap.residentsOrganisations.length ? t("gap_residents_yes", { n: gap.residentsOrganisations.length }) : t("gap_no")),
    );
  });
  const intro = h(
    "p",
    { class: "utrecht-paragraph", id: "gaps-scope" },
    t(vars.level === "DISTRICT" ? "gaps_intro_DISTRICT" : "gaps_intro_NEIGHBOURHOOD"),
    " ",
    vars.theme ? t("gaps_only_theme", { theme: themeLabel(vars.theme) }) : t("gaps_all_themes"),
  );
  const head = [t(vars.level === "DISTRICT" ? "col_district" : "col_neighbourhood"), t("col_missing"), t("col_no_initiative"), t("col_no_partner"), t("col_residents_org")];
  return h(
    "section",
    { "aria-labelledby": "gaps-title", id: "gaps" },
    h("h3", { class: "utrecht-heading-3", id: "gaps-title" }, t("gaps")),
    intro,
    found.length ? tableOf("gaps-table", "gaps", head, rows) : h("p", { class: "utrecht-paragraph" }, t("gaps_none")),
  );
}
