// "Veranderingen": what changed in an area between two dates (new and ended ties, new, paused and
// ended initiatives, partners who started or stopped serving it), and the network drawn as it
// stood on a chosen date (activeOn).
import { gql, has, hasArg } from "../api.js";
import { announce, button, clear, h } from "../dom.js";
import { dateInput, dateLabel, field, today } from "../forms.js";
import { t } from "../i18n.js";
import { areaSelect, labelled } from "./common.js";

const CODES = ["NEW_TIE", "ENDED_TIE", "NEW_INITIATIVE", "PAUSED_INITIATIVE", "ENDED_INITIATIVE", "STARTED_SERVING", "STOPPED_SERVING"];
const CHANGES = `query Changes($area: String!, $from: Date!, $to: Date!) {
  changes(areaCode: $area, from: $from, to: $to) {
    code on text stakeholder { id ... on Stakeholder { name } } other { id ... on Stakeholder { name } } relation { id }
  }
}`;

let builtFor = null;
let loadedKey = null;

export function init(app) {
  document.getElementById("panel-changes").append(h("div", { id: "changes-body" }));
}

export async function update(app) {
  if (app.state.tab !== "changes") return;
  const root = document.getElementById("changes-body");
  if (!root) return;
  const s = app.state;
  const key = `${s.lang}|${app.me?.role}|${app.areas.municipalities.length}`;
  if (key !== builtFor) {
    builtFor = key;
    loadedKey = null;
    clear(root, changesForm(app), h("p", { class: "utrecht-paragraph", id: "changes-status", role: "status" }), h("div", { id: "changes-result" }), onDateForm(app));
  }
  const status = document.getElementById("changes-status");
  const result = document.getElementById("changes-result");
  if (!has("changes") || !s.carea || !s.cfrom || !s.cto) {
    if (!has("changes")) status.textContent = t("changes_unavailable");
    clear(result);
    loadedKey = null;
    return;
  }
  const vars = { area: s.carea, from: s.cfrom, to: s.cto };
  const loadKey = `${JSON.stringify(vars)}|${s.lang}`; // the server words each change in the page's language
  if (loadKey === loadedKey) return;
  loadedKey = loadKey;
  status.textContent = t("loading");
  let items;
  try {
    items = (await gql(CHANGES, vars)).changes;
  } catch (error) {
    if (loadedKey === loadKey) status.textContent = t("error", { message: error.message });
    return;
  }
  if (loadedKey !== loadKey) return;
  const area = document.querySelector(`#changes-area option[value="${CSS.escape(s.carea)}"]`)?.dataset.name ?? s.carea;
  status.textContent = items.length
    ? t("changes_found", { n: items.length, area, from: dateLabel(s.cfrom, s.lang), to: dateLabel(s.cto, s.lang) })
    : t("changes_none", { area, from: dateLabel(s.cfrom, s.lang), to: dateLabel(s.cto, s.lang) });
  const groups = CODES.map((code) => [code, items.filter((i) => i.code === code)]).filter(([, list]) => list.length);
  const other = items.filter((i) => !CODES.includes(i.code));
  if (other.length) groups.push(["OTHER", other]);
  clear(
    result,
    groups.map(([code, list]) =>
      h(
        "section",
        { class: "ex-section", dataset: { code }, "aria-labelledby": `changes-${code}` },
        h("h3", { class: "ex-subtitle", id: `changes-${code}` }, `${t(`change_${code}`)} (${list.length})`),
        h(
          "ul",
          { class: "ex-changes" },
          [...list]
            .sort((a, b) => a.on.localeCompare(b.on))
            .map((item) =>
              h(
                "li",
                { dataset: { code: item.code, on: item.on, relation: item.relation?.id, stakeholder: item.stakeholder?.id } },
                h("time", { datetime: item.on }, dateLabel(item.on, s.lang)),
                ": ",
                h("span", { class: "ex-change__text" }, item.text),
                item.stakeholder?.id
                  ? [
                      " ",
                      h(
                        "button",
                        {
                          type: "button",
                          class: "ex-linkbutton",
                          "aria-label": `${t("show_in_graph")}: ${item.stakeholder.name ?? ""}`,
                          onclick: () => app.centre(item.stakeholder.id),
                        },
                        t("show_in_graph"),
                      ),
                    ]
                  : null,
              ),
            ),
        ),
      ),
    ),
  );
}

function changesForm(app) {
  const s = app.state;
  const form = h(
    "form",
    { class: "ex-form", id: "changes-form" },
    h("h3", { class: "utrecht-heading-3" }, t("changes_title")),
    h("p", { class: "utrecht-paragraph" }, t("changes_intro")),
    labelled("changes-area", "area", areaSelect(app, "changes-area", s.carea, { neighbourhoods: true })),
    h(
      "div",
      { class: "ex-inline" },
      field("changes-from", "changes_from", dateInput("changes-from", s.cfrom ?? `${today().slice(0, 4)}-01-01`)),
      field("changes-to", "changes_to", dateInput("changes-to", s.cto ?? today())),
    ),
    h("div", {}, h("button", { type: "submit", class: "utrecht-button utrecht-button--primary-action", id: "changes-submit" }, t("changes_show"))),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const carea = form.querySelector("#changes-area").value || null;
    const status = document.getElementById("changes-status");
    if (!carea) {
      status.textContent = t("changes_need_area");
      return;
    }
    app.setState({ tab: "changes", carea, cfrom: form.querySelector("#changes-from").value || null, cto: form.querySelector("#changes-to").value || null });
  });
  return form;
}

// The network as it stood on a day: the ego view asks egoNetwork(activeOn:).
function onDateForm(app) {
  const s = app.state;
  const form = h(
    "form",
    { class: "ex-form ex-section", id: "ondate-form" },
    h("h3", { class: "utrecht-heading-3" }, t("ondate_title")),
    h("p", { class: "utrecht-paragraph" }, t("ondate_intro")),
    h(
      "div",
      { class: "ex-inline" },
      field("ondate", "ondate_label", dateInput("ondate", s.on ?? "")),
      h("button", { type: "submit", class: "utrecht-button utrecht-button--primary-action", id: "ondate-submit" }, t("ondate_show")),
      button(t("ondate_today"), () => {
        form.querySelector("#ondate").value = "";
        app.setState({ on: null });
        announce(t("ondate_now"));
      }, { id: "ondate-clear" }),
    ),
    hasArg("egoNetwork", "activeOn") ? null : h("p", { class: "ex-hint" }, t("ondate_unavailable")),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const on = form.querySelector("#ondate").value || null;
    app.setState({ on });
    if (on) announce(t("ondate_said", { date: dateLabel(on, app.state.lang) }));
  });
  return form;
}
