// Collaboration suggestions for the chosen stakeholder or per area, each with accept/reject
// (reviewSuggestion) and "show in graph" (the introduction path, the suggested tie dashed).
import { gql, mayWrite } from "../api.js";
import { clear, h } from "../dom.js";
import { announce } from "../dom.js";
import { kindLabel, number, t } from "../i18n.js";
import { areaSelect, labelled, relabelThemes, themeSelect } from "./common.js";

const LIST = `query Suggestions($forId: ID, $areaCode: String, $theme: String) {
  collaborationSuggestions(forId: $forId, areaCode: $areaCode, theme: $theme, first: 20) {
    totalCount
    nodes {
      score explanation
      source { id name kind }
      target { id name kind }
      linker { id ... on Stakeholder { name } ... on Meeting { name } }
    }
  }
}`;

const REVIEW = `mutation Review($sourceId: ID!, $targetId: ID!, $verdict: SuggestionVerdict!) {
  reviewSuggestion(sourceId: $sourceId, targetId: $targetId, verdict: $verdict) { review { verdict } userErrors { message } }
}`;

let loadedKey = null;
let rendered = null;
let items = [];
let pending = null;
const verdicts = new Map(); // "source|target" -> verdict given in this page

export function init(app) {
  const root = document.getElementById("panel-suggestions");
  const s = app.state;
  const radio = (value, key) =>
    h(
      "label",
      { for: `scope-${value}` },
      h("input", { type: "radio", name: "scope", id: `scope-${value}`, value, checked: s.scope === value }),
      h("span", { "data-i18n": key }, t(key)),
    );
  const form = h(
    "form",
    { class: "ex-form", id: "suggestions-form" },
    h("p", { class: "utrecht-paragraph", "data-i18n": "suggestions_intro" }, t("suggestions_intro")),
    h("fieldset", {}, h("legend", { "data-i18n": "suggestions_scope" }, t("suggestions_scope")), h("div", { class: "ex-checks" }, radio("selected", "scope_selected"), radio("area", "scope_area"))),
    h("div", { class: "ex-inline" }, labelled("suggestions-area", "area", areaSelect(app, "suggestions-area", s.sarea)), labelled("suggestions-theme", "theme", themeSelect(app, "suggestions-theme", s.stheme))),
    h("div", {}, h("button", { type: "submit", class: "utrecht-button utrecht-button--primary-action", "data-i18n": "suggestions_show" }, t("suggestions_show"))),
  );
  root.append(form, h("p", { id: "suggestions-status", role: "status", class: "utrecht-paragraph" }), h("div", { id: "suggestions-result" }));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const scope = form.querySelector('input[name="scope"]:checked')?.value ?? "selected";
    const sarea = form.querySelector("#suggestions-area").value || null;
    const scopeArea = scope === "area" || (!app.state.sel && !app.state.focus && sarea);
    app.setState({
      tab: "suggestions",
      scope: scopeArea ? "area" : "selected",
      sarea,
      stheme: form.querySelector("#suggestions-theme").value || null,
      sfor: scopeArea ? null : (app.state.sel ?? app.state.focus ?? null),
    });
  });
}

function query(app) {
  const s = app.state;
  if (s.scope === "area") return s.sarea ? { forId: null, areaCode: s.sarea, theme: s.stheme ?? null } : null;
  const forId = s.sfor ?? s.sel ?? s.focus;
  return forId ? { forId, areaCode: s.sarea ?? null, theme: s.stheme ?? null } : null;
}

export async function update(app) {
  if (app.state.tab !== "suggestions") return;
  const themes = document.getElementById("suggestions-theme");
  if (!themes) return; // not built yet
  relabelThemes(themes);
  const vars = query(app);
  const status = document.getElementById("suggestions-status");
  const result = document.getElementById("suggestions-result");
  if (!vars) {
    clear(result);
    status.textContent = "";
    loadedKey = null;
    return;
  }
  const key = JSON.stringify({ ...vars, lang: app.state.lang }); // the server words the reasons in the page's language
  if (key !== loadedKey) {
    loadedKey = key;
    rendered = null;
    status.textContent = t("loading");
    pending = gql(LIST, vars).then((data) => data.collaborationSuggestions.nodes);
  }
  const mine = pending;
  let found;
  try {
    found = await mine;
  } catch (error) {
    status.textContent = t("error", { message: error.message });
    return;
  }
  if (loadedKey !== key || mine !== pending) return;
  items = found;
  const renderKey = `${key}|${app.state.lang}`;
  if (renderKey === rendered) return;
  rendered = renderKey;
  status.textContent = items.length ? t("suggestions_found", { n: items.length }) : t("suggestions_none");
  clear(result, items.length ? table(app) : null);
}

// Four columns that fit the panel on a laptop and a tablet: who with whom, the score, why (and who
// can introduce them), and the buttons, always in view.
function table(app) {
  const head = [
    ["col_pair", "ex-col-pair"],
    ["col_score", "ex-col-score"],
    ["col_why", "ex-col-why"],
    ["col_actions", "ex-col-actions"],
  ];
  return h(
    "div",
    { class: "utrecht-table-container ex-table-scroll", tabindex: "0", role: "region", "aria-labelledby": "suggestions-caption" },
    h(
      "table",
      { class: "utrecht-table utrecht-table--html-table", id: "suggestions-table" },
      h("caption", { id: "suggestions-caption", class: "utrecht-table__caption" }, t("tab_suggestions")),
      h("thead", { class: "utrecht-table__header" }, h("tr", { class: "utrecht-table__row" }, head.map(([k, cls]) => h("th", { class: `utrecht-table__header-cell ${cls}`, scope: "col" }, t(k))))),
      h("tbody", { class: "utrecht-table__body" }, items.map((item) => row(app, item))),
    ),
  );
}

function row(app, item) {
  const pair = `${item.source.id}|${item.target.id}`;
  const actions = h("td", { class: "utrecht-table__cell ex-col-actions" });
  const tr = h(
    "tr",
    { class: "utrecht-table__row", dataset: { source: item.source.id, target: item.target.id } },
    h(
      "th",
      { class: "utrecht-table__header-cell ex-pair", scope: "row" },
      h("span", { translate: "no" }, item.source.name),
      h("small", {}, kindLabel(item.source.kind)),
      h("span", { class: "ex-pair__with" }, `${t("pair_with")} `, h("span", { translate: "no" }, item.target.name)),
      h("small", {}, kindLabel(item.target.kind)),
    ),
    h("td", { class: "utrecht-table__cell utrecht-table__cell--numeric-data" }, number(item.score)),
    h(
      "td",
      { class: "utrecht-table__cell ex-why" },
      item.explanation,
      h("small", { class: "ex-via" }, item.linker?.name ? [`${t("col_via")}: `, h("span", { translate: "no" }, item.linker.name)] : t("via_nobody")),
    ),
    actions,
  );
  const fill = () => {
    const verdict = verdicts.get(pair);
    const show = h(
      "button",
      {
        type: "button",
        class: "utrecht-button utrecht-button--secondary-action ex-small",
        "aria-label": `${t("show_in_graph")}: ${item.source.name} – ${item.target.name}`,
        onclick: () =>
          app.setState({ view: "paths", focus: item.source.id, to: item.target.id, suggest: "1", sel: null, expand: [], hide: [], only: null, open: [] }, { push: true }),
      },
      t("show_in_graph"),
    );
    if (verdict) {
      clear(actions, h("div", { class: "ex-rowactions" }, h("span", { class: `ex-status ex-status--${verdict}` }, t(verdict === "ACCEPTED" ? "accepted" : "rejected")), show));
      return;
    }
    const review = (verdict) => async () => {
      try {
        const data = await gql(REVIEW, { sourceId: item.source.id, targetId: item.target.id, verdict });
        const errors = data.reviewSuggestion.userErrors;
        if (errors.length) throw new Error(errors.map((e) => e.message).join("; "));
      } catch (error) {
        announce(t("error", { message: error.message }));
        return;
      }
      verdicts.set(pair, verdict);
      fill();
      announce(t("reviewed", { verdict: t(verdict === "ACCEPTED" ? "accepted" : "rejected"), a: item.source.name, b: item.target.name }));
      actions.querySelector("button")?.focus();
    };
    const label = (key) => `${t(key)}: ${item.source.name} – ${item.target.name}`;
    if (!mayWrite(app.me)) {
      clear(actions, h("div", { class: "ex-actions" }, [show])); // only editors review: no buttons that would fail
      return;
    }
    clear(
      actions,
      h("div", { class: "ex-rowactions" }, [
        h("button", { type: "button", class: "utrecht-button utrecht-button--primary-action ex-small", "aria-label": label("accept"), dataset: { verdict: "ACCEPTED" }, onclick: review("ACCEPTED") }, t("accept")),
        h("button", { type: "button", class: "utrecht-button utrecht-button--secondary-action ex-small", "aria-label": label("reject"), dataset: { verdict: "REJECTED" }, onclick: review("REJECTED") }, t("reject")),
        show,
      ]),
    );
  };
  fill();
  return tr;
}
