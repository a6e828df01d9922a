// "Te controleren" (editors): facts not confirmed for a long time in the editor's area, oldest
// first, each with Bevestigen, Wijzigen and Beëindigen in one click.
import { fieldsOf, freshness, gql, has, hasMutation, mayWrite } from "../api.js";
import { announce, clear, h } from "../dom.js";
import { confirmFact, endRelation } from "../editing.js";
import { dateLabel, errorText, today } from "../forms.js";
import { kindLabel, relationLabel, t } from "../i18n.js";
import { areaSelect, labelled } from "./common.js";
import * as details from "./details.js";

const END = `__typename id ... on Stakeholder { name kind } ... on Meeting { name } ... on Area { name }`;

function listQuery() {
  return `query ToCheck($area: String) {
    toCheck(areaCode: $area, first: 50) {
      totalCount
      nodes {
        id ${fieldsOf("StaleFact", "confirmedOn staleFrom")}
        stakeholder { id name kind provenance ... on Initiative { status } }
        relation { id kind since until provenance ${freshness("Relation")} source { ${END} } target { ${END} } }
      }
    }
  }`;
}

let builtFor = null;
let loadedKey = null;

export function init(app) {
  document.getElementById("panel-check").append(h("div", { id: "check-body" }));
}

export async function update(app, { force = false } = {}) {
  if (app.state.tab !== "check") return;
  const root = document.getElementById("check-body");
  if (!root) return;
  const key = `${app.state.lang}|${app.me?.role}|${app.areas.municipalities.length}`;
  if (key !== builtFor) {
    builtFor = key;
    loadedKey = null;
    if (!mayWrite(app.me)) return clear(root, h("p", { class: "utrecht-paragraph" }, t("needs_editor")));
    if (!has("toCheck")) return clear(root, h("p", { class: "utrecht-paragraph" }, t("check_unavailable")));
    const form = h(
      "form",
      { class: "ex-form", id: "check-form" },
      h("p", { class: "utrecht-paragraph" }, t("check_intro")),
      h(
        "div",
        { class: "ex-inline" },
        labelled("check-area", "area", areaSelect(app, "check-area", app.state.karea, { neighbourhoods: true, empty: "all_my_areas" })),
        h("button", { type: "submit", class: "utrecht-button utrecht-button--primary-action" }, t("check_show")),
      ),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      app.setState({ karea: form.querySelector("#check-area").value || null, tab: "check" });
      update(app, { force: true });
    });
    clear(root, form, h("p", { class: "utrecht-paragraph", id: "check-status", role: "status" }), h("div", { id: "check-result" }));
  }
  if (!mayWrite(app.me) || !has("toCheck")) return;
  const vars = { area: app.state.karea ?? null };
  const loadKey = `${JSON.stringify(vars)}|${app.state.lang}`;
  if (!force && loadKey === loadedKey) return;
  loadedKey = loadKey;
  const status = document.getElementById("check-status");
  const result = document.getElementById("check-result");
  status.textContent = t("loading");
  let list;
  try {
    list = (await gql(listQuery(), vars)).toCheck;
  } catch (error) {
    status.textContent = t("error", { message: error.message });
    return;
  }
  if (loadedKey !== loadKey) return;
  status.textContent = list.totalCount ? t("check_found", { n: list.totalCount, shown: list.nodes.length }) : t("check_none");
  clear(result, list.nodes.length ? table(app, list.nodes) : null);
}

function what(fact) {
  if (fact.relation) {
    const r = fact.relation;
    return [
      h("span", { translate: "no" }, r.source?.name ?? ""),
      ` ${relationLabel(r.kind)} `,
      h("span", { translate: "no" }, r.target?.name ?? ""),
      h("small", {}, t("check_tie")),
    ];
  }
  const s = fact.stakeholder;
  return [h("span", { translate: "no" }, s?.name ?? ""), h("small", {}, kindLabel(s?.kind))];
}

function table(app, facts) {
  return h(
    "div",
    { class: "utrecht-table-container ex-table-scroll", tabindex: "0", role: "region", "aria-labelledby": "check-caption" },
    h(
      "table",
      { class: "utrecht-table utrecht-table--html-table", id: "check-table" },
      h("caption", { id: "check-caption", class: "utrecht-table__caption" }, t("tab_check")),
      h(
        "thead",
        { class: "utrecht-table__header" },
        h(
          "tr",
          { class: "utrecht-table__row" },
          [
            ["col_fact", "ex-col-pair"],
            ["col_confirmed", "ex-col-score"],
            ["col_source", "ex-col-why"],
            ["col_actions", "ex-col-actions"],
          ].map(([k, cls]) => h("th", { class: `utrecht-table__header-cell ${cls}`, scope: "col" }, t(k))),
        ),
      ),
      h("tbody", { class: "utrecht-table__body" }, facts.map((fact) => row(app, fact))),
    ),
  );
}

// Where the fact comes from (the import, a meeting, a sign-up, an editor): said by its source.
const provenance = (fact) => fact.relation?.provenance ?? fact.stakeholder?.provenance ?? null;

function row(app, fact) {
  const name = fact.relation ? `${fact.relation.source?.name ?? ""} – ${fact.relation.target?.name ?? ""}` : (fact.stakeholder?.name ?? "");
  const actions = h("div", { class: "ex-rowactions" });
  const tr = h(
    "tr",
    { class: "utrecht-table__row", dataset: { id: fact.id, kind: fact.relation ? "relation" : "stakeholder" } },
    h("th", { class: "utrecht-table__header-cell ex-pair", scope: "row" }, what(fact)),
    h("td", { class: "utrecht-table__cell" }, h("span", { class: "ex-stale" }, t("stale")), " ", fact.confirmedOn ? dateLabel(fact.confirmedOn, app.state.lang) : t("never")),
    h("td", { class: "utrecht-table__cell ex-why" }, provenance(fact) ? h("span", { translate: "no" }, provenance(fact)) : t("unknown_source")),
    h("td", { class: "utrecht-table__cell ex-col-actions" }, actions),
  );
  const done = async (key) => {
    announce(t(key, { name }));
    await details.changed(app);
    update(app, { force: true });
  };
  const fail = (messages) => {
    actions.append(h("span", { class: "ex-field-error" }, messages));
  };
  const act = (key, onclick, primary = false) =>
    h(
      "button",
      {
        type: "button",
        class: `utrecht-button ${primary ? "utrecht-button--primary-action" : "utrecht-button--secondary-action"} ex-small`,
        "aria-label": `${t(key)}: ${name}`,
        dataset: { action: key },
        onclick,
      },
      t(key),
    );
  if (hasMutation("confirmFacts")) {
    actions.append(
      act(
        "confirm",
        async () => {
          if (await confirmFact(fact.id, name)) await done("confirmed");
        },
        true,
      ),
    );
  }
  // Wijzigen: the stakeholder (or the tie's first end) in the middle, its form open in the details.
  const subject = fact.stakeholder?.id ?? fact.relation?.source?.id;
  if (subject) {
    actions.append(
      act("change", async () => {
        await app.centre(subject);
        app.showTab("details");
        const open = () => {
          const target = fact.relation
            ? document.querySelector(`#details-ties li[data-relation="${CSS.escape(fact.relation.id)}"] button[data-action="change"]`)
            : document.getElementById("act-edit");
          if (target) {
            document.getElementById("details-ties-box")?.setAttribute("open", "");
            target.click();
            return true;
          }
          return false;
        };
        // The details arrive after the drawing: open the form as soon as its button is there.
        if (!open()) {
          const watcher = new MutationObserver(() => open() && watcher.disconnect());
          watcher.observe(document.getElementById("details-record"), { childList: true, subtree: true });
          setTimeout(() => watcher.disconnect(), 10_000);
        }
      }),
    );
  }
  const endable = fact.relation ? hasMutation("endRelation") : fact.stakeholder?.kind === "INITIATIVE";
  if (endable) {
    actions.append(
      act("end", async () => {
        let errors;
        try {
          errors = fact.relation
            ? await endRelation(fact.relation.id, today())
            : (
                await gql(
                  `mutation EndInitiative($id: ID!, $input: StakeholderPatch!) { updateStakeholder(id: $id, input: $input) { stakeholder { id } userErrors { field message code } } }`,
                  { id: fact.stakeholder.id, input: { status: "ENDED", ended: today() } },
                )
              ).updateStakeholder.userErrors;
        } catch (error) {
          return fail(t("error", { message: error.message }));
        }
        if (errors.length) return fail(errors.map(errorText).join(" "));
        await done("ended");
      }),
    );
  }
  return tr;
}
