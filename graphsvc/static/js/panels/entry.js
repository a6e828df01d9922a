// "Invoeren" (editors): a new stakeholder (similar names offered first), and a meeting
// (bijeenkomst) with its attendees ticked from a searchable list, after which each pair of
// attendees can become a tie ("kennismaking") in one action.
import { gql, hasMutation, mayWrite } from "../api.js";
import { announce, button, clear, h } from "../dom.js";
import { pairList, stakeholderForm } from "../editing.js";
import { areaPicker, checked, checks, clearErrors, dateInput, field, formAlert, showErrors, textInput, themeOptions, today } from "../forms.js";
import { kindLabel, t } from "../i18n.js";
import { combobox, placeOf } from "../search.js";
import * as details from "./details.js";

const AREA = "code name level";
const FIND = `query Find($q: String!) { stakeholders(search: $q, first: 10) { nodes { id name kind areas { ${AREA} parent { ${AREA} parent { ${AREA} } } } } } }`;

let builtFor = null;

export function init(app) {
  document.getElementById("panel-entry").append(h("div", { id: "entry-body" }));
}

export function update(app) {
  if (app.state.tab !== "entry") return;
  const root = document.getElementById("entry-body");
  if (!root) return;
  const key = `${app.state.lang}|${app.me?.role}|${app.themes.length}`;
  if (key === builtFor) return;
  builtFor = key;
  if (!mayWrite(app.me)) {
    clear(root, h("p", { class: "utrecht-paragraph" }, t("needs_editor")));
    return;
  }
  const create = stakeholderForm(app, {
    onDone: async (id) => {
      await details.changed(app, id);
      builtFor = null;
      await app.centre(id);
      app.showTab("details");
    },
  });
  clear(
    root,
    h("section", { class: "ex-section", "aria-labelledby": "new-form-title" }, create),
    h("section", { class: "ex-section", id: "meeting-section", "aria-labelledby": "meeting-title" }, meetingForm(app)),
  );
  create.querySelector("h3").id = "new-form-title";
}

function meetingForm(app) {
  const title = h("h3", { class: "utrecht-heading-3", id: "meeting-title" }, t("meeting_title"));
  if (!hasMutation("recordMeeting")) return [title, h("p", { class: "utrecht-paragraph" }, t("meeting_unavailable"))];
  const chosen = new Map(); // id -> {id, name, kind}
  let organiser = null;
  const form = h("form", { class: "ex-form", id: "meeting-form", novalidate: true });
  const chosenList = h("ul", { class: "ex-chosen", id: "meeting-chosen", "aria-live": "polite" });
  const results = h("div", { class: "ex-checks ex-checks--column", id: "meeting-results" });
  const findStatus = h("p", { class: "ex-hint", role: "status", id: "meeting-find-status" });
  const pairs = h("div", { id: "meeting-pairs" });
  const renderChosen = () => {
    clear(
      chosenList,
      [...chosen.values()].map((s) =>
        h(
          "li",
          { dataset: { id: s.id } },
          h("span", { translate: "no" }, s.name),
          h(
            "button",
            {
              type: "button",
              class: "utrecht-button utrecht-button--subtle ex-small",
              "aria-label": t("attendee_remove", { name: s.name }),
              onclick: () => {
                chosen.delete(s.id);
                renderChosen();
                const box = results.querySelector(`input[value="${CSS.escape(s.id)}"]`);
                if (box) box.checked = false;
              },
            },
            t("remove"),
          ),
        ),
      ),
    );
    form.querySelector("#meeting-count").textContent = t("attendees_chosen", { n: chosen.size });
  };
  let seq = 0;
  let timer = null;
  const find = async (q) => {
    const mine = ++seq;
    let nodes;
    try {
      nodes = (await gql(FIND, { q })).stakeholders.nodes;
    } catch (error) {
      findStatus.textContent = t("search_failed", { message: error.message });
      return;
    }
    if (mine !== seq) return;
    findStatus.textContent = nodes.length ? t("search_results", { n: nodes.length }) : t("search_none_why", { q });
    clear(
      results,
      nodes.map((s, i) =>
        h(
          "label",
          { for: `meeting-hit-${i}` },
          h("input", {
            type: "checkbox",
            id: `meeting-hit-${i}`,
            value: s.id,
            checked: chosen.has(s.id),
            class: "utrecht-checkbox utrecht-checkbox--html-input",
            onchange: (e) => {
              if (e.target.checked) chosen.set(s.id, s);
              else chosen.delete(s.id);
              renderChosen();
            },
          }),
          h("span", {}, h("span", { translate: "no" }, s.name), h("small", {}, ` ${kindLabel(s.kind)}`, placeOf(s.areas) ? [" · ", h("span", { translate: "no" }, placeOf(s.areas))] : null)),
        ),
      ),
    );
  };
  clear(
    form,
    title,
    formAlert(),
    field("meeting-name", "meeting_name", textInput("meeting-name"), { name: "name" }),
    h(
      "div",
      { class: "ex-inline" },
      field("meeting-date", "meeting_date", dateInput("meeting-date", today()), { name: "date" }),
      field("meeting-place", "meeting_place", textInput("meeting-place"), { name: "place" }),
    ),
    checks("meeting-themes", "meeting_themes", themeOptions(app.themes), [], { name: "themes" }),
    areaPicker(app, "meeting-areas", [], { key: "meeting_area" }),
    h(
      "div",
      { class: "utrecht-form-field ex-field ex-combobox", dataset: { field: "organiserId" } },
      h("label", { class: "utrecht-form-label", for: "meeting-organiser-input" }, t("meeting_organiser")),
      h("input", { id: "meeting-organiser-input", class: "utrecht-textbox utrecht-textbox--html-input", type: "text" }),
      h("ul", { id: "meeting-organiser-list", class: "ex-listbox", "aria-label": t("meeting_organiser") }),
      h("p", { id: "meeting-organiser-status", class: "ex-hint", role: "status" }),
      h("p", { class: "ex-field-error", id: "meeting-organiser-error", hidden: true }),
    ),
    h(
      "fieldset",
      { class: "ex-field", dataset: { field: "attendeeIds" } },
      h("legend", {}, t("meeting_attendees")),
      h(
        "div",
        { class: "utrecht-form-field" },
        h("label", { class: "utrecht-form-label", for: "meeting-find" }, t("attendee_find")),
        textInput("meeting-find", "", { autocomplete: "off", "aria-describedby": "meeting-find-status" }),
      ),
      findStatus,
      results,
      h("p", { class: "ex-hint", id: "meeting-count", role: "status" }),
      chosenList,
      h("p", { class: "ex-field-error", id: "meeting-attendees-error", hidden: true }),
    ),
    h("div", { class: "ex-actions" }, h("button", { type: "submit", class: "utrecht-button utrecht-button--primary-action", id: "meeting-submit" }, t("meeting_save"))),
  );
  renderChosen();
  combobox(form.querySelector("#meeting-organiser-input"), form.querySelector("#meeting-organiser-list"), {
    onPick: (item) => (organiser = item),
    status: form.querySelector("#meeting-organiser-status"),
  });
  form.querySelector("#meeting-find").addEventListener("input", (e) => {
    clearTimeout(timer);
    const q = e.target.value.trim();
    if (q.length < 2) {
      seq++;
      clear(results);
      findStatus.textContent = q.length === 1 ? t("search_more") : "";
      return;
    }
    timer = setTimeout(() => find(q), 150);
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    const input = {
      name: form.querySelector("#meeting-name").value.trim(),
      date: form.querySelector("#meeting-date").value || null,
      place: form.querySelector("#meeting-place").value.trim() || null,
      themes: checked(form.querySelector("#meeting-themes")),
      areaCodes: form.querySelector('[data-field="areaCodes"]').codes(),
      organiserId: organiser?.id ?? null,
      attendeeIds: [...chosen.keys()],
    };
    if (!input.name) return showErrors(form, [{ field: "input.name", code: "REQUIRED", message: "" }]);
    let payload;
    try {
      payload = (
        await gql(
          `mutation Meeting($input: MeetingInput!) { recordMeeting(input: $input) { meeting { id name date } userErrors { field message code } } }`,
          { input },
        )
      ).recordMeeting;
    } catch (error) {
      return showErrors(form, [{ field: "", code: "ERROR", message: error.message }]);
    }
    if (payload.userErrors.length) return showErrors(form, payload.userErrors);
    announce(t("meeting_saved", { name: payload.meeting.name }));
    await details.changed(app);
    clear(pairs, pairList(app, payload.meeting, [...chosen.values()], (...ids) => details.changed(app, ...ids)));
    form.replaceWith(h("div", { id: "meeting-done" }, h("p", { class: "utrecht-paragraph", role: "status" }, t("meeting_saved", { name: payload.meeting.name })), pairs, button(t("meeting_another"), () => {
      builtFor = null;
      update(app);
    })));
    pairs.querySelector("h4")?.focus();
  });
  return form;
}

