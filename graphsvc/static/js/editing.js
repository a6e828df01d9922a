// What an editor does with one stakeholder (issue 18): its ties listed with their dates and
// freshness (end one, confirm one, change one), edit it, add a tie, merge a duplicate into it, and
// its history. Also the "Nieuwe belanghebbende" form, which first asks for similar names.
import { freshness, fieldsOf, gql, has, hasField, hasMutation, mayWrite } from "./api.js";
import { announce, button, clear, h } from "./dom.js";
import {
  STRENGTHS,
  TAKES_NEEDS,
  TAKES_OFFERS,
  TIE_KINDS,
  VISIBILITIES,
  areaPicker,
  checked,
  checks,
  clearErrors,
  dateInput,
  dateLabel,
  errorText,
  field,
  formAlert,
  kindOptions,
  needOptions,
  radios,
  select,
  showErrors,
  textInput,
  themeOptions,
  today,
  typeOptions,
} from "./forms.js";
import { currentLang, kindLabel, relationLabel, statusLabel, t } from "./i18n.js";
import { combobox, placeOf } from "./search.js";

const CONCRETE = ["Resident", "Initiative", "Wijkpartner", "Organisation", "MunicipalityRole"];
const END = `__typename id ... on Stakeholder { name kind } ... on Meeting { name date } ... on Area { name }`;

// Freshness and merge fields on every stakeholder type, asked only where the server has them.
function perType(names) {
  return CONCRETE.map((type) => [type, fieldsOf(type, names)])
    .filter(([, f]) => f)
    .map(([type, f]) => `... on ${type} { ${f} }`)
    .join(" ");
}

function relationFields() {
  return `id kind since until strength provenance ${freshness("Relation")} source { ${END} } target { ${END} }`;
}

function recordQuery() {
  const history = CONCRETE.filter((type) => hasField(type, "history"))
    .map((type) => `... on ${type} { history(first: 20) { at action detail } }`)
    .join(" ");
  return `query Record($id: ID!) {
    node(id: $id) {
      __typename id
      ... on Stakeholder { name kind provenance themes { key } areas { code name level } relations(first: 100) { totalCount nodes { ${relationFields()} } } }
      ... on Initiative { type status needs }
      ... on Wijkpartner { type offers }
      ... on Organisation { type offers }
      ... on MunicipalityRole { type offers }
      ... on Resident { visibility }
      ${perType("stale confirmedOn mergedFrom")}
      ${history}
    }
  }`;
}

export async function loadRecord(id) {
  return (await gql(recordQuery(), { id })).node;
}

// "verouderd (laatst bevestigd op 3 maart 2024)" for a stale fact; nothing for a fresh one.
export function staleMark(fact) {
  if (!fact?.stale) return null;
  const when = fact.confirmedOn ? t("stale_since", { date: dateLabel(fact.confirmedOn, currentLang()) }) : t("stale_never");
  return h("span", { class: "ex-stale", dataset: { stale: "true" } }, `${t("stale")} (${when})`);
}

const isActive = (r) => !r.until || r.until > today();

function otherEnd(r, id) {
  return r.source?.id === id ? r.target : r.source;
}

function tieWords(r, id) {
  const out = r.source?.id === id;
  return `${relationLabel(r.kind)} ${out ? "→" : "←"}`;
}

function dates(r) {
  const lang = currentLang();
  if (r.since && r.until) return t("tie_from_to", { since: dateLabel(r.since, lang), until: dateLabel(r.until, lang) });
  if (r.until) return t("tie_until", { until: dateLabel(r.until, lang) });
  if (r.since) return t("tie_since", { since: dateLabel(r.since, lang) });
  return "";
}

// The work area under the details: one form at a time, for the stakeholder shown.
let shownId = null;

export function renderRecord(app, root, node, { onChanged }) {
  const editor = mayWrite(app.me);
  const id = node.id;
  if (shownId !== id) {
    shownId = id;
  }
  const work = h("div", { id: "details-work", class: "ex-work" });
  const ties = (node.relations?.nodes ?? []).filter((r) => otherEnd(r, id) && otherEnd(r, id).__typename !== "Area");
  const stale = ties.filter((r) => r.stale && isActive(r)).length;
  const sorted = [...ties].sort((a, b) => Number(isActive(b)) - Number(isActive(a)) || (otherEnd(a, id).name ?? "").localeCompare(otherEnd(b, id).name ?? ""));
  const actions = editor
    ? h(
        "div",
        { class: "ex-actions", id: "details-edit-actions" },
        button(t("edit"), () => openForm(work, stakeholderForm(app, { node, onDone: onChanged })), { id: "act-edit" }),
        button(t("tie_add"), () => openForm(work, tieForm(app, { node, onDone: onChanged })), { id: "act-tie-add" }),
        hasMutation("mergeStakeholders") ? button(t("merge_with"), () => openForm(work, mergeForm(app, { node, onDone: onChanged })), { id: "act-merge" }) : null,
        node.stale && hasMutation("confirmFacts") ? button(t("confirm"), () => confirmFact(id, node.name, onChanged), { id: "act-confirm-record" }) : null,
      )
    : null;
  const list = h(
    "ul",
    { class: "ex-ties", id: "details-ties" },
    sorted.map((r) => tieRow(app, r, id, work, onChanged, editor)),
  );
  const history = node.history ?? null;
  clear(
    root,
    actions,
    work,
    ties.length
      ? h(
          "details",
          { class: "ex-section", id: "details-ties-box", open: editor && ties.length <= 12 ? true : null },
          h("summary", {}, stale ? t("ties_all_stale", { n: ties.length, stale }) : t("ties_all", { n: ties.length })),
          list,
        )
      : null,
    node.mergedFrom?.length
      ? h("p", { class: "utrecht-paragraph", id: "details-merged" }, `${t("merged_from")}: `, h("span", { translate: "no" }, node.mergedFrom.join(", ")))
      : null,
    history
      ? h(
          "section",
          { class: "ex-section", "aria-labelledby": "details-history-title" },
          h("h4", { class: "ex-subtitle", id: "details-history-title" }, t("history")),
          history.length
            ? h(
                "ol",
                { class: "ex-history", id: "details-history" },
                history.map((e) => h("li", {}, h("time", { datetime: e.at }, dateTime(e.at)), " ", historyWords(e))),
              )
            : h("p", { class: "utrecht-paragraph" }, t("history_none")),
        )
      : null,
  );
}

function dateTime(value) {
  if (!value) return "";
  return new Intl.DateTimeFormat(currentLang() === "en" ? "en-GB" : "nl-NL", { dateStyle: "medium", timeStyle: "short" }).format(new Date(value));
}

function historyWords(entry) {
  const key = `history_${entry.action}`;
  const words = t(key) !== key ? t(key) : null;
  return [
    words ?? h("code", { translate: "no" }, entry.action),
    entry.detail ? [" (", h("span", { translate: "no" }, entry.detail), ")"] : null,
  ];
}

function tieRow(app, r, id, work, onChanged, editor) {
  const other = otherEnd(r, id);
  const active = isActive(r);
  const buttons = [];
  const who = other.name ?? "";
  if (editor && active) {
    if (r.stale && hasMutation("confirmFacts")) buttons.push(rowButton("confirm", who, () => confirmFact(r.id, who, onChanged), { action: "confirm" }));
    if (hasMutation("updateRelation")) buttons.push(rowButton("change", who, () => openForm(work, tieForm(app, { node: { id }, relation: r, onDone: onChanged })), { action: "change" }));
    if (hasMutation("endRelation")) buttons.push(rowButton("end", who, () => openForm(work, endForm(r, who, onChanged)), { action: "end" }));
  }
  return h(
    "li",
    { dataset: { relation: r.id, active: String(active) }, class: active ? null : "ex-ended" },
    h("span", { class: "ex-tie__kind" }, tieWords(r, id), " "),
    h("button", { type: "button", class: "ex-linkbutton", translate: "no", onclick: () => app.centre(other.id) }, who),
    " ",
    h("small", { class: "ex-tie__when" }, [dates(r), active ? "" : ` · ${t("tie_ended")}`].filter(Boolean).join(" ")),
    staleMark(r),
    buttons.length ? h("span", { class: "ex-rowactions" }, buttons) : null,
  );
}

function rowButton(key, who, onclick, { action } = {}) {
  return h(
    "button",
    { type: "button", class: "utrecht-button utrecht-button--secondary-action ex-small", "aria-label": `${t(key)}: ${who}`, dataset: { action }, onclick },
    t(key),
  );
}

function openForm(work, form) {
  clear(work, form);
  form.querySelector("input, select, button")?.focus();
}

function closeButton(work) {
  return button(t("cancel"), () => clear(work), { class: "utrecht-button utrecht-button--subtle" });
}

export async function confirmFact(id, name, onChanged) {
  try {
    const data = await gql(`mutation Confirm($ids: [ID!]!) { confirmFacts(ids: $ids) { confirmed userErrors { field message code } } }`, { ids: [id] });
    const errors = data.confirmFacts.userErrors;
    if (errors.length) throw new Error(errors.map(errorText).join(" "));
  } catch (error) {
    announce(t("error", { message: error.message }));
    return false;
  }
  announce(t("confirmed", { name }));
  await onChanged?.(id);
  return true;
}

export async function endRelation(id, on) {
  const data = await gql(
    `mutation End($id: ID!, $on: Date) { endRelation(id: $id, on: $on) { relation { id until } userErrors { field message code } } }`,
    { id, on: on || null },
  );
  return data.endRelation.userErrors;
}

// "Beëindigen": the tie gets an end date (today unless said otherwise); its history stays.
function endForm(r, who, onChanged) {
  const form = h(
    "form",
    { class: "ex-form ex-card", id: "end-form" },
    h("h4", { class: "ex-subtitle" }, t("end_title", { name: "" }), h("span", { translate: "no" }, who)),
    formAlert(),
    field("end-on", "end_on", dateInput("end-on", today()), { name: "on", hint: "end_hint" }),
    h("div", { class: "ex-actions" }, h("button", { type: "submit", class: "utrecht-button utrecht-button--primary-action" }, t("end")), button(t("cancel"), () => form.remove(), { class: "utrecht-button utrecht-button--subtle" })),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    let errors;
    try {
      errors = await endRelation(r.id, form.querySelector("#end-on").value);
    } catch (error) {
      showErrors(form, [{ field: "", code: "ERROR", message: error.message }]);
      return;
    }
    if (errors.length) return showErrors(form, errors);
    announce(t("ended", { name: who }));
    await onChanged?.(r.id);
  });
  return form;
}

// Create (no node) or edit (node) a stakeholder. Before creating, similar names are offered.
export function stakeholderForm(app, { node = null, onDone }) {
  const editing = Boolean(node);
  const prefix = editing ? "edit" : "new";
  let kind = node?.kind ?? "INITIATIVE";
  let confirmedNew = false;
  const idempotencyKey = `page-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const form = h("form", { class: "ex-form", id: `${prefix}-form`, novalidate: true });
  const similarBox = h("div", { id: `${prefix}-similar`, class: "ex-similar", hidden: true });
  const status = h("p", { class: "ex-hint", role: "status", id: `${prefix}-status` });
  const build = () => {
    const values = editing ? node : {};
    const kindField = editing
      ? h("p", { class: "utrecht-paragraph" }, `${t("details_kind")}: ${kindLabel(kind)}`)
      : field(`${prefix}-kind`, "field_kind", select(`${prefix}-kind`, kindOptions(), kind), { name: "kind" });
    clear(
      form,
      h("h3", { class: "utrecht-heading-3" }, editing ? [t("edit_title", { name: "" }), h("span", { translate: "no" }, node.name)] : t("new_title")),
      formAlert(),
      kindField,
      field(`${prefix}-name`, "field_name", textInput(`${prefix}-name`, values.name ?? "", { autocomplete: "off" }), { name: "name" }),
      kind === "RESIDENT" ? null : field(`${prefix}-type`, "field_type", select(`${prefix}-type`, typeOptions(kind), values.type ?? ""), { name: "type" }),
      areaPicker(app, `${prefix}-areas`, (values.areas ?? []).map((a) => a.code), { key: "field_areas" }),
      checks(`${prefix}-themes`, "field_themes", themeOptions(app.themes), (values.themes ?? []).map((x) => x.key), { name: "themes" }),
      TAKES_NEEDS.has(kind) ? checks(`${prefix}-needs`, "field_needs", needOptions(), values.needs ?? [], { name: "needs" }) : null,
      TAKES_OFFERS.has(kind) ? checks(`${prefix}-offers`, "field_offers", needOptions(), values.offers ?? [], { name: "offers" }) : null,
      kind === "INITIATIVE" && editing
        ? field(`${prefix}-status`, "field_status", select(`${prefix}-status`, ["IDEA", "STARTING", "ACTIVE", "PAUSED", "ENDED"].map((s) => [s, statusLabel(s)]), values.status ?? "ACTIVE"), { name: "status" })
        : null,
      kind === "RESIDENT"
        ? radios(`${prefix}-visibility`, "field_visibility", VISIBILITIES.map((v) => [v, t(`visibility_${v}`)]), values.visibility ?? "BROKERS", { name: "visibility" })
        : null,
      similarBox,
      h(
        "div",
        { class: "ex-actions" },
        h("button", { type: "submit", class: "utrecht-button utrecht-button--primary-action", id: `${prefix}-submit` }, editing ? t("save") : t("create")),
        editing ? button(t("cancel"), () => form.remove(), { class: "utrecht-button utrecht-button--subtle" }) : null,
      ),
      status,
    );
    form.querySelector(`#${prefix}-kind`)?.addEventListener("change", (e) => {
      kind = e.target.value;
      const name = form.querySelector(`#${prefix}-name`).value;
      build();
      form.querySelector(`#${prefix}-name`).value = name;
      form.querySelector(`#${prefix}-kind`).focus();
    });
    form.querySelector(`#${prefix}-name`).addEventListener("input", () => {
      confirmedNew = false;
      similarBox.hidden = true;
    });
  };
  build();

  const values = () => {
    const v = {
      name: form.querySelector(`#${prefix}-name`).value.trim(),
      areaCodes: form.querySelector(`[data-field="areaCodes"]`).codes(),
      themes: checked(form.querySelector(`#${prefix}-themes`)),
    };
    const type = form.querySelector(`#${prefix}-type`);
    if (type) v.type = type.value || null;
    if (TAKES_NEEDS.has(kind)) v.needs = checked(form.querySelector(`#${prefix}-needs`));
    if (TAKES_OFFERS.has(kind)) v.offers = checked(form.querySelector(`#${prefix}-offers`));
    const statusSelect = form.querySelector(`#${prefix}-status`);
    if (statusSelect) v.status = statusSelect.value;
    if (kind === "RESIDENT") v.visibility = form.querySelector(`input[name="${prefix}-visibility"]:checked`)?.value ?? "BROKERS";
    return v;
  };

  const showSimilar = (found, input) => {
    clear(
      similarBox,
      h("h4", { class: "ex-subtitle", id: `${prefix}-similar-title` }, t("similar_title")),
      h("p", { class: "utrecht-paragraph" }, t("similar_intro")),
      h(
        "ul",
        { class: "ex-similar__list", "aria-labelledby": `${prefix}-similar-title` },
        found.map((s) =>
          h(
            "li",
            { dataset: { id: s.stakeholder.id } },
            h("span", { translate: "no", class: "ex-similar__name" }, s.stakeholder.name),
            h("small", {}, ` ${kindLabel(s.stakeholder.kind)}`, placeOf(s.stakeholder.areas) ? [" · ", h("span", { translate: "no" }, placeOf(s.stakeholder.areas))] : null),
            button(t("similar_open"), () => app.centre(s.stakeholder.id).then(() => app.showTab("details")), {
              class: "utrecht-button utrecht-button--primary-action ex-small",
              "aria-label": `${t("similar_open")}: ${s.stakeholder.name}`,
            }),
          ),
        ),
      ),
      button(
        t("similar_create_anyway"),
        () => {
          confirmedNew = true;
          create(input);
        },
        { id: `${prefix}-create-anyway` },
      ),
    );
    similarBox.hidden = false;
    similarBox.querySelector("h4").setAttribute("tabindex", "-1");
    similarBox.querySelector("h4").focus();
    announce(t("similar_title"));
  };

  const create = async (input) => {
    status.textContent = t("saving");
    let data;
    try {
      data = await gql(
        `mutation Create($input: StakeholderInput!, $key: String) { createStakeholder(input: $input, idempotencyKey: $key) { stakeholder { id name } userErrors { field message code } } }`,
        { input, key: idempotencyKey },
      );
    } catch (error) {
      status.textContent = "";
      showErrors(form, [{ field: "", code: "ERROR", message: error.message }]);
      return;
    }
    status.textContent = "";
    const payload = data.createStakeholder;
    if (payload.userErrors.length) return showErrors(form, payload.userErrors);
    announce(t("created", { name: payload.stakeholder.name }));
    await onDone?.(payload.stakeholder.id, { created: true });
  };

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    const v = values();
    if (!v.name) return showErrors(form, [{ field: "input.name", code: "REQUIRED", message: "" }]);
    if (editing) {
      const patch = { ...v };
      if (kind === "RESIDENT" && patch.visibility === node.visibility) delete patch.visibility;
      status.textContent = t("saving");
      let data;
      try {
        data = await gql(
          `mutation Update($id: ID!, $input: StakeholderPatch!) { updateStakeholder(id: $id, input: $input) { stakeholder { id name } userErrors { field message code } } }`,
          { id: node.id, input: patch },
        );
      } catch (error) {
        status.textContent = "";
        return showErrors(form, [{ field: "", code: "ERROR", message: error.message }]);
      }
      status.textContent = "";
      if (data.updateStakeholder.userErrors.length) return showErrors(form, data.updateStakeholder.userErrors);
      announce(t("saved", { name: data.updateStakeholder.stakeholder.name }));
      await onDone?.(node.id);
      return;
    }
    const input = { kind, ...v };
    if (!confirmedNew && has("similarStakeholders")) {
      status.textContent = t("similar_checking");
      let found = [];
      try {
        const data = await gql(
          `query Similar($name: String!, $area: String, $kind: StakeholderKind) { similarStakeholders(name: $name, areaCode: $area, kind: $kind, first: 5) { score stakeholder { id name kind areas { code name level parent { code name level parent { code name level } } } } } }`,
          { name: v.name, area: v.areaCodes[0] ?? null, kind },
        );
        found = data.similarStakeholders.filter((s) => s.stakeholder);
      } catch (error) {
        status.textContent = "";
        return showErrors(form, [{ field: "", code: "ERROR", message: error.message }]);
      }
      status.textContent = "";
      if (found.length) return showSimilar(found, input);
    }
    await create(input);
  });
  return form;
}

// A tie of this stakeholder: kind, the other end (found by search), direction, since/until, strength.
// With relation: change that tie (updateRelation): its dates and strength.
export function tieForm(app, { node, relation = null, onDone }) {
  const changing = Boolean(relation);
  let other = null;
  const form = h("form", { class: "ex-form ex-card", id: changing ? "tie-change-form" : "tie-form", novalidate: true });
  const strength = relation?.strength == null ? "" : STRENGTHS.reduce((best, [v]) => (v && Math.abs(Number(v) - relation.strength) < Math.abs(Number(best || 9) - relation.strength) ? v : best), "");
  const who = node.name ?? "";
  clear(
    form,
    h("h4", { class: "ex-subtitle" }, changing ? t("tie_change_title") : t("tie_add_title", { name: "" }), changing ? null : h("span", { translate: "no" }, who)),
    formAlert(),
    changing
      ? null
      : [
          field("tie-kind", "tie_kind", select("tie-kind", TIE_KINDS.map((k) => [k, relationLabel(k)]), "KNOWS"), { name: "kind" }),
          h(
            "div",
            { class: "utrecht-form-field ex-field ex-combobox", dataset: { field: "targetId" } },
            h("label", { class: "utrecht-form-label", for: "tie-other-input" }, t("tie_other")),
            h("input", { id: "tie-other-input", class: "utrecht-textbox utrecht-textbox--html-input", type: "text" }),
            h("ul", { id: "tie-other-list", class: "ex-listbox", "aria-label": t("tie_other") }),
            h("p", { id: "tie-other-status", class: "ex-hint", role: "status" }),
            h("p", { class: "ex-field-error", id: "tie-other-error", hidden: true }),
          ),
          radios("tie-direction", "tie_direction", [["out", t("tie_direction_out")], ["in", t("tie_direction_in")]], "out", { name: "sourceId" }),
        ],
    h(
      "div",
      { class: "ex-inline" },
      field("tie-since", "tie_since_label", dateInput("tie-since", relation?.since ?? ""), { name: "since" }),
      field("tie-until", "tie_until_label", dateInput("tie-until", relation?.until ?? ""), { name: "until" }),
    ),
    field("tie-strength", "tie_strength", select("tie-strength", STRENGTHS.map(([v, k]) => [v, t(k)]), strength), { name: "strength" }),
    h(
      "div",
      { class: "ex-actions" },
      h("button", { type: "submit", class: "utrecht-button utrecht-button--primary-action", id: "tie-submit" }, changing ? t("save") : t("tie_add")),
      button(t("cancel"), () => form.remove(), { class: "utrecht-button utrecht-button--subtle" }),
    ),
  );
  if (!changing) {
    combobox(form.querySelector("#tie-other-input"), form.querySelector("#tie-other-list"), { onPick: (item) => (other = item), status: form.querySelector("#tie-other-status") });
  }
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    const since = form.querySelector("#tie-since").value || null;
    const until = form.querySelector("#tie-until").value || null;
    const s = form.querySelector("#tie-strength").value;
    const strengthValue = s ? Number(s) : null;
    let errors;
    try {
      if (changing) {
        const data = await gql(
          `mutation Change($id: ID!, $input: RelationPatch!) { updateRelation(id: $id, input: $input) { relation { id } userErrors { field message code } } }`,
          { id: relation.id, input: { since, until, strength: strengthValue } },
        );
        errors = data.updateRelation.userErrors;
      } else {
        if (!other) return showErrors(form, [{ field: "input.targetId", code: "REQUIRED", message: "" }]);
        const out = (form.querySelector('input[name="tie-direction"]:checked')?.value ?? "out") === "out";
        const input = {
          kind: form.querySelector("#tie-kind").value,
          sourceId: out ? node.id : other.id,
          targetId: out ? other.id : node.id,
          since,
          until,
          strength: strengthValue,
        };
        const data = await gql(`mutation Link($input: LinkInput!) { link(input: $input) { relation { id } userErrors { field message code } } }`, { input });
        errors = data.link.userErrors.map((err) => (err.field === "input.sourceId" && !out ? { ...err, field: "input.targetId" } : err));
      }
    } catch (error) {
      return showErrors(form, [{ field: "", code: "ERROR", message: error.message }]);
    }
    if (errors.length) return showErrors(form, errors);
    announce(changing ? t("tie_changed") : t("tie_added", { name: other?.name ?? "" }));
    await onDone?.(node.id);
  });
  return form;
}

// "Samenvoegen met...": choose the duplicate, confirm, and the record shown keeps both.
function mergeForm(app, { node, onDone }) {
  let dup = null;
  const form = h("form", { class: "ex-form ex-card", id: "merge-form", novalidate: true });
  const confirmBox = h("div", { id: "merge-confirm", hidden: true });
  clear(
    form,
    h("h4", { class: "ex-subtitle" }, t("merge_title", { name: "" }), h("span", { translate: "no" }, node.name)),
    h("p", { class: "utrecht-paragraph" }, t("merge_intro")),
    formAlert(),
    h(
      "div",
      { class: "utrecht-form-field ex-field ex-combobox", dataset: { field: "mergeId" } },
      h("label", { class: "utrecht-form-label", for: "merge-input" }, t("merge_choose")),
      h("input", { id: "merge-input", class: "utrecht-textbox utrecht-textbox--html-input", type: "text" }),
      h("ul", { id: "merge-list", class: "ex-listbox", "aria-label": t("merge_choose") }),
      h("p", { id: "merge-status", class: "ex-hint", role: "status" }),
      h("p", { class: "ex-field-error", id: "merge-error", hidden: true }),
    ),
    confirmBox,
    h("div", { class: "ex-actions" }, button(t("cancel"), () => form.remove(), { class: "utrecht-button utrecht-button--subtle" })),
  );
  combobox(form.querySelector("#merge-input"), form.querySelector("#merge-list"), {
    status: form.querySelector("#merge-status"),
    onPick: (item) => {
      if (item.id === node.id) {
        showErrors(form, [{ field: "mergeId", code: "SAME", message: "" }]);
        return;
      }
      clearErrors(form);
      dup = item;
      clear(
        confirmBox,
        h("p", { class: "utrecht-paragraph ex-confirm", id: "merge-question" }, t("merge_question_a"), h("strong", { translate: "no" }, dup.name), t("merge_question_b"), h("strong", { translate: "no" }, node.name), t("merge_question_c")),
        h("button", { type: "submit", class: "utrecht-button utrecht-button--primary-action", id: "merge-submit" }, t("merge_do")),
      );
      confirmBox.hidden = false;
    },
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!dup) return;
    let data;
    try {
      data = await gql(
        `mutation Merge($keep: ID!, $merge: ID!) { mergeStakeholders(keepId: $keep, mergeId: $merge) { stakeholder { id name } userErrors { field message code } } }`,
        { keep: node.id, merge: dup.id },
      );
    } catch (error) {
      return showErrors(form, [{ field: "", code: "ERROR", message: error.message }]);
    }
    const payload = data.mergeStakeholders;
    if (payload.userErrors.length) return showErrors(form, payload.userErrors);
    announce(t("merged", { a: dup.name, b: node.name }));
    await onDone?.(node.id, { merged: dup.id });
  });
  return form;
}

// Every pair of attendees, each with one button that records their acquaintance as a tie.
const recordedPairs = new Set(); // "meeting|a|b" recorded from this page: said, not offered again

export function pairList(app, meeting, attendees, onChanged, prefix = "meeting") {
  const rows = [];
  for (let i = 0; i < attendees.length; i++) for (let j = i + 1; j < attendees.length; j++) rows.push([attendees[i], attendees[j]]);
  const title = h("h4", { class: "ex-subtitle", id: `${prefix}-pairs-title`, tabindex: "-1" }, t("pairs_title"));
  if (!hasMutation("tieFromMeeting")) return [title, h("p", { class: "utrecht-paragraph" }, t("pairs_unavailable"))];
  return [
    title,
    h("p", { class: "utrecht-paragraph" }, t("pairs_intro", { date: dateLabel(meeting.date, app.state.lang) })),
    h(
      "ul",
      { class: "ex-pairs", id: `${prefix}-pair-list`, "aria-labelledby": `${prefix}-pairs-title` },
      rows.map(([a, b]) => {
        const li = h("li", { dataset: { source: a.id, target: b.id } }, h("span", { translate: "no" }, a.name), ` ${t("pair_and")} `, h("span", { translate: "no" }, b.name), " ");
        const pairKey = `${meeting.id}|${a.id}|${b.id}`;
        if (recordedPairs.has(pairKey)) {
          li.append(h("span", { class: "ex-status ex-status--ACCEPTED" }, t("pair_done")));
          return li;
        }
        const act = h(
          "button",
          {
            type: "button",
            class: "utrecht-button utrecht-button--secondary-action ex-small",
            "aria-label": `${t("pair_tie")}: ${a.name} – ${b.name}`,
            onclick: async () => {
              let payload;
              try {
                payload = (
                  await gql(
                    `mutation Tie($meeting: ID!, $a: ID!, $b: ID!) { tieFromMeeting(meetingId: $meeting, sourceId: $a, targetId: $b, kind: KNOWS) { relation { id } userErrors { field message code } } }`,
                    { meeting: meeting.id, a: a.id, b: b.id },
                  )
                ).tieFromMeeting;
              } catch (error) {
                announce(t("error", { message: error.message }));
                return;
              }
              if (payload.userErrors.length) {
                const note = h("span", { class: "ex-field-error" }, payload.userErrors.map(errorText).join(" "));
                act.after(note);
                return;
              }
              recordedPairs.add(pairKey);
              act.replaceWith(h("span", { class: "ex-status ex-status--ACCEPTED", dataset: { relation: payload.relation?.id ?? "" } }, t("pair_done")));
              announce(t("pair_done_said", { a: a.name, b: b.name }));
              await onChanged?.(a.id, b.id);
            },
          },
          t("pair_tie"),
        );
        li.append(act);
        return li;
      }),
    ),
  ];
}

let openPairs = null; // the meeting whose pairs are open: they stay open when the details are drawn again

// A meeting in the details: its attendees' acquaintances, each a tie in one click (editors).
export async function renderMeeting(app, root, id, onChanged) {
  if (!mayWrite(app.me) || !hasMutation("tieFromMeeting")) return clear(root);
  const node = (
    await gql(`query Meeting($id: ID!) { node(id: $id) { ... on Meeting { id name date attendees(first: 13) { totalCount nodes { id ... on Stakeholder { name } } } } } }`, { id })
  ).node;
  const attendees = (node?.attendees?.nodes ?? []).filter((a) => a.name);
  if (!node || attendees.length < 2 || node.attendees.totalCount > 12) return clear(root);
  const n = (attendees.length * (attendees.length - 1)) / 2;
  const box = h("details", { class: "ex-section", id: "details-pairs", open: openPairs === id ? true : null }, h("summary", {}, t("pairs_open", { n })), pairList(app, node, attendees, onChanged, "details"));
  box.addEventListener("toggle", () => (openPairs = box.open ? id : null));
  clear(root, box);
}
