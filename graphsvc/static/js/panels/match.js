// A new initiative (name, themes, neighbourhood, needs, members) -> matchPartners: partners with
// the parts of their score and the reasons, and the introduction paths drawn on the graph.
import { NODE_FIELDS, gql, has } from "../api.js";
import { clear, h } from "../dom.js";
import { kindLabel, needLabel, number, partLabel, t, themeLabel } from "../i18n.js";
import { addPaths, details } from "../loaders.js";
import { GraphModel } from "../model.js";
import { combobox } from "../search.js";
import { areaSelect, labelled } from "./common.js";

export const NEEDS = ["SPACE", "FUNDING", "VOLUNTEERS", "KNOWLEDGE", "CONTACTS", "PERMITS", "PUBLICITY", "MATERIALS"];

const MATCH = `query Match($initiative: InitiativeInput!) {
  matchPartners(initiative: $initiative, first: 5) {
    score linkedAlready
    partner { ${NODE_FIELDS} }
    parts { name weight value contribution reason }
    introductions {
      member { id ... on Stakeholder { name } }
      linker { id ... on Stakeholder { name } }
      path { length strength nodes { ${NODE_FIELDS} } hops { source { id } target { id } relations { kind source { id } target { id } } } }
    }
  }
}`;

const members = new Map(); // id -> name, for the form
let rendered = null;

export function init(app) {
  const root = document.getElementById("panel-match");
  root.append(h("p", { class: "utrecht-paragraph", "data-i18n": "match_intro" }, t("match_intro")));
  app.views.match = { key: matchKey, load: (s) => matchModel(s) };
  if (!has("matchPartners")) {
    root.append(h("p", { class: "utrecht-paragraph", id: "match-unavailable", "data-i18n": "match_unavailable" }, t("match_unavailable")));
    return;
  }
  const s = app.state;
  const checks = (name, values, label, chosen) =>
    h(
      "div",
      { class: "ex-checks" },
      values.map((v) =>
        h(
          "label",
          { for: `${name}-${v}` },
          h("input", { type: "checkbox", id: `${name}-${v}`, name, value: v, class: "utrecht-checkbox utrecht-checkbox--html-input", checked: chosen.includes(v) }),
          h("span", { dataset: { label: v } }, label(v)),
        ),
      ),
    );
  for (const [i, id] of s.mmembers.entries()) members.set(id, members.get(id) ?? `#${i + 1}`);
  const form = h(
    "form",
    { class: "ex-form", id: "match-form" },
    labelled("match-name", "match_name", h("input", { id: "match-name", class: "utrecht-textbox utrecht-textbox--html-input", type: "text", value: s.mname ?? "", required: true })),
    h("fieldset", {}, h("legend", { "data-i18n": "match_themes" }, t("match_themes")), checks("match-theme", app.themes.map((x) => x.key), themeLabel, s.mthemes)),
    labelled("match-area", "match_area", areaSelect(app, "match-area", s.marea, { neighbourhoods: true })),
    h("fieldset", {}, h("legend", { "data-i18n": "match_needs" }, t("match_needs")), checks("match-need", NEEDS, needLabel, s.mneeds)),
    h(
      "fieldset",
      {},
      h("legend", { "data-i18n": "match_members" }, t("match_members")),
      h(
        "div",
        { class: "utrecht-form-field ex-combobox" },
        h("label", { class: "utrecht-form-label", for: "match-member-input", "data-i18n": "match_member_add" }, t("match_member_add")),
        h("input", { id: "match-member-input", class: "utrecht-textbox utrecht-textbox--html-input", type: "text" }),
        h("ul", { id: "match-member-list", class: "ex-listbox", "aria-label": t("match_member_add") }),
        h("p", { id: "match-member-status", class: "ex-hint", role: "status" }),
      ),
      h("ul", { id: "match-members", class: "ex-members" }),
    ),
    h("div", {}, h("button", { type: "submit", class: "utrecht-button utrecht-button--primary-action", "data-i18n": "match_submit" }, t("match_submit"))),
  );
  root.append(form, h("p", { id: "match-status", role: "status", class: "utrecht-paragraph" }), h("div", { id: "match-result" }));
  const memberInput = form.querySelector("#match-member-input");
  const areaChoice = form.querySelector("#match-area");
  combobox(memberInput, form.querySelector("#match-member-list"), {
    status: form.querySelector("#match-member-status"),
    // Members live or work in the initiative's buurt, mostly: those first.
    preferArea: () => (areaChoice.value ? { code: areaChoice.value, name: areaChoice.selectedOptions[0]?.dataset.name ?? areaChoice.value } : null),
    onPick: (item) => {
      members.set(item.id, item.name);
      memberInput.value = "";
      renderMembers();
    },
  });
  renderMembers();
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const chosen = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((x) => x.value);
    app.setState(
      {
        view: "match",
        tab: "match",
        mid: null,
        mname: form.querySelector("#match-name").value.trim(),
        mthemes: chosen("match-theme"),
        marea: form.querySelector("#match-area").value || null,
        mneeds: chosen("match-need"),
        mmembers: [...members.keys()],
        sel: null,
        expand: [],
        hide: [],
        only: null,
        open: [],
      },
      { push: true },
    );
  });
}

function renderMembers() {
  const list = document.getElementById("match-members");
  clear(
    list,
    [...members.entries()].map(([id, name]) =>
      h(
        "li",
        { dataset: { id } },
        h("span", { translate: "no" }, name),
        h(
          "button",
          {
            type: "button",
            class: "utrecht-button utrecht-button--subtle ex-small",
            "aria-label": t("match_member_remove", { name }),
            onclick: () => {
              members.delete(id);
              renderMembers();
              document.getElementById("match-member-input").focus();
            },
          },
          "×",
        ),
      ),
    ),
  );
}

function matchKey(s) {
  if (s.mid) return `match|${s.mid}`;
  if (!s.mname) return "";
  return `match|${JSON.stringify([s.mname, s.mthemes, s.marea, s.mneeds, s.mmembers])}`;
}

// The draft in the middle, its members tied to it, the partners, and the introduction paths.
async function matchModel(s) {
  const initiative = s.mid
    ? { id: s.mid }
    : { name: s.mname, themes: s.mthemes, areaCode: s.marea ?? null, needs: s.mneeds, memberIds: s.mmembers };
  const matches = (await gql(MATCH, { initiative })).matchPartners;
  const centre = s.mid ?? "draft";
  const model = new GraphModel({ mode: "match", centre });
  if (s.mid) for (const node of await details([s.mid])) model.addNode(node, { hops: 0 });
  else model.addNode({ id: "draft", name: s.mname, kind: "DRAFT", themes: s.mthemes.map((key) => ({ key })) }, { hops: 0, role: "draft" });
  if (!s.mid) {
    for (const node of await details(s.mmembers)) {
      model.addNode(node, { hops: 1 });
      members.set(node.id, node.name);
      model.addEdge({ id: `member:${node.id}`, kind: "MEMBER", source: node.id, target: "draft", cls: "intro" });
    }
    if (document.getElementById("match-members")) renderMembers();
  }
  for (const match of matches) {
    if (!match.partner) continue;
    addPaths(model, match.introductions.map((x) => x.path), "path", s.mid ? 0 : 1);
    model.addNode(match.partner, { hops: 3, role: "end" });
    if (!match.introductions.length) {
      model.addEdge({ id: `suggested:${match.partner.id}`, kind: "SUGGESTED", source: centre, target: match.partner.id, cls: "suggested" });
    }
  }
  return { model, extra: { matches } };
}

export function update(app) {
  const result = document.getElementById("match-result");
  if (!result) return;
  const s = app.state;
  if (s.view !== "match" || !app.extra.matches) {
    if (rendered) clear(result);
    rendered = null;
    return;
  }
  const key = `${app.modelKey}|${s.lang}`;
  if (key === rendered) return;
  rendered = key;
  const matches = app.extra.matches.filter((m) => m.partner);
  document.getElementById("match-status").textContent = matches.length ? t("match_found", { n: matches.length }) : t("match_none");
  const head = ["col_partner", "col_score", "col_parts", "col_introduction"];
  clear(
    result,
    matches.length
      ? h(
          "div",
          { class: "utrecht-table-container ex-table-scroll", tabindex: "0", role: "region", "aria-labelledby": "match-caption" },
          h(
            "table",
            { class: "utrecht-table utrecht-table--html-table", id: "match-table" },
            h("caption", { id: "match-caption", class: "utrecht-table__caption" }, t("tab_match")),
            h("thead", { class: "utrecht-table__header" }, h("tr", { class: "utrecht-table__row" }, head.map((k) => h("th", { class: "utrecht-table__header-cell", scope: "col" }, t(k))))),
            h(
              "tbody",
              { class: "utrecht-table__body" },
              matches.map((m) => {
                const intro = m.introductions[0];
                return h(
                  "tr",
                  { class: "utrecht-table__row", dataset: { id: m.partner.id } },
                  h(
                    "th",
                    { class: "utrecht-table__header-cell", scope: "row" },
                    h("span", { translate: "no" }, m.partner.name),
                    h("br"),
                    h("small", {}, kindLabel(m.partner.kind)),
                    m.linkedAlready ? [h("br"), h("em", {}, t("already_linked"))] : null,
                    h("br"),
                    h(
                      "button",
                      {
                        type: "button",
                        class: "utrecht-button utrecht-button--secondary-action ex-small",
                        "aria-label": `${t("show_in_graph")}: ${m.partner.name}`,
                        onclick: () => {
                          app.select(m.partner.id);
                          document.getElementById("cy").scrollIntoView({ block: "nearest" });
                        },
                      },
                      t("show_in_graph"),
                    ),
                  ),
                  h("td", { class: "utrecht-table__cell utrecht-table__cell--numeric-data" }, number(m.score)),
                  h("td", { class: "utrecht-table__cell" }, h("ul", { class: "ex-parts" }, m.parts.map((p) => h("li", { dataset: { part: p.name } }, h("strong", {}, `${partLabel(p.name)} ${number(p.contribution)}`), `: ${p.reason}`)))),
                  h("td", { class: "utrecht-table__cell" }, intro ? introduction(intro) : t("intro_none")),
                );
              }),
            ),
          ),
        )
      : null,
  );
}

// "Via Fatima (lid Hatice, 2 stappen)": who introduces, from which member, how far.
function introduction(intro) {
  return [
    h("span", { translate: "no" }, intro.linker?.name ?? "—"),
    h("br"),
    h("small", {}, t("intro_from", { hops: intro.path.length }), " ", h("span", { translate: "no" }, intro.member?.name ?? "")),
  ];
}
