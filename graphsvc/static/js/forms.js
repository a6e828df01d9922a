// Form parts the editing panels and the registration page share: labelled fields with a place for
// their message, checkbox groups, an area picker, and the API's userErrors said in the page's
// language next to the field they are about.
import { clear, h } from "./dom.js";
import { kindLabel, needLabel, t, themeLabel, typeLabel } from "./i18n.js";

export const KINDS = ["INITIATIVE", "ORGANISATION", "WIJKPARTNER", "RESIDENT", "MUNICIPALITY_ROLE"];
export const NEEDS = ["SPACE", "FUNDING", "VOLUNTEERS", "KNOWLEDGE", "CONTACTS", "PERMITS", "PUBLICITY", "MATERIALS"];
export const VISIBILITIES = ["PUBLIC", "BROKERS", "PRIVATE"];
export const TIE_KINDS = ["KNOWS", "MEMBER_OF", "WORKS_FOR", "COORDINATES", "FOUNDED", "PARTNERS_WITH", "SUPPORTS", "FUNDS", "CONTACT_FOR"];
export const TYPES = {
  ORGANISATION: ["ASSOCIATION", "FOUNDATION", "BUSINESS", "SCHOOL", "CARE", "CULTURE", "COOPERATIVE", "HOUSING_CORPORATION", "RELIGIOUS", "SPORTS", "COMMUNITY_CENTRE", "OTHER"],
  WIJKPARTNER: ["SOCIAL_BROKER", "NEIGHBOURHOOD_TEAM", "DISTRICT_OFFICE", "HEALTH_CENTRE", "YOUTH_WORK", "POLICE", "SHELTER", "LIBRARY", "OTHER"],
  INITIATIVE: ["RESIDENTS_INITIATIVE", "COLLECTIVE", "ALLIANCE", "COOPERATIVE"],
  MUNICIPALITY_ROLE: ["AREA_ALDERMAN", "AREA_CONTACT", "POLICY_ADVISER", "DISTRICT_COORDINATOR", "ALDERMAN", "COORDINATOR"],
};
// Which kinds take needs (initiatives) and offers (partners), as the API checks it.
export const TAKES_NEEDS = new Set(["INITIATIVE"]);
export const TAKES_OFFERS = new Set(["WIJKPARTNER", "ORGANISATION", "MUNICIPALITY_ROLE"]);
// How strong a tie is, in words; the API keeps 0..1.
export const STRENGTHS = [
  ["", "strength_unknown"],
  ["0.3", "strength_weak"],
  ["0.6", "strength_normal"],
  ["0.9", "strength_strong"],
];

export const today = () => new Date().toISOString().slice(0, 10);

// A date (YYYY-MM-DD) in words, in the page's language: "3 maart 2024".
export function dateLabel(value, lang) {
  if (!value) return "";
  const [y, m, d] = value.split("-").map(Number);
  return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "nl-NL", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

// One labelled field: name says which input field of the API it stands for (userErrors point at it).
export function field(id, key, control, { name, hint } = {}) {
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute("aria-describedby", hintId);
  return h(
    "div",
    { class: "utrecht-form-field ex-field", dataset: { field: name ?? id } },
    h("label", { class: "utrecht-form-label", for: id }, t(key)),
    hint ? h("p", { class: "ex-hint", id: hintId }, t(hint)) : null,
    control,
    h("p", { class: "ex-field-error", id: `${id}-error`, hidden: true }),
  );
}

export function textInput(id, value = "", attrs = {}) {
  return h("input", { id, class: "utrecht-textbox utrecht-textbox--html-input", type: "text", value: value ?? "", ...attrs });
}

export function dateInput(id, value = "", attrs = {}) {
  return h("input", { id, class: "utrecht-textbox utrecht-textbox--html-input ex-date", type: "date", value: value ?? "", ...attrs });
}

export function select(id, options, value = "") {
  return h(
    "select",
    { id, class: "utrecht-select utrecht-select--html-select" },
    options.map(([v, label]) => h("option", { value: v, selected: String(v) === String(value ?? "") }, label)),
  );
}

// A group of checkboxes (themes, needs, offers, attendees): a fieldset whose legend says what for.
export function checks(id, key, options, values = [], { name } = {}) {
  const chosen = new Set(values);
  return h(
    "fieldset",
    { id, class: "ex-field", dataset: { field: name ?? id } },
    h("legend", {}, t(key)),
    h(
      "div",
      { class: "ex-checks" },
      options.map(([v, label], i) =>
        h(
          "label",
          { for: `${id}-${i}` },
          h("input", { type: "checkbox", id: `${id}-${i}`, value: v, checked: chosen.has(v), class: "utrecht-checkbox utrecht-checkbox--html-input" }),
          h("span", {}, label),
        ),
      ),
    ),
    h("p", { class: "ex-field-error", id: `${id}-error`, hidden: true }),
  );
}

export function radios(id, key, options, value, { name } = {}) {
  return h(
    "fieldset",
    { id, class: "ex-field", dataset: { field: name ?? id } },
    h("legend", {}, t(key)),
    h(
      "div",
      { class: "ex-checks ex-checks--column" },
      options.map(([v, label], i) =>
        h(
          "label",
          { for: `${id}-${i}` },
          h("input", { type: "radio", name: id, id: `${id}-${i}`, value: v, checked: v === value, class: "utrecht-radio-button utrecht-radio-button--html-input" }),
          h("span", {}, label),
        ),
      ),
    ),
    h("p", { class: "ex-field-error", id: `${id}-error`, hidden: true }),
  );
}

export const checked = (fieldset) => [...fieldset.querySelectorAll("input:checked")].map((i) => i.value);

export const themeOptions = (themes) => themes.map((th) => [th.key, themeLabel(th.key)]);
export const needOptions = () => NEEDS.map((n) => [n, needLabel(n)]);
export const kindOptions = () => KINDS.map((k) => [k, kindLabel(k)]);
export const typeOptions = (kind) => [["", t("type_none")], ...(TYPES[kind] ?? []).map((v) => [v, typeLabel(v)])];

// Areas by CBS code or name: the chosen ones (each can be taken off) and a list to add one more.
export function areaPicker(app, id, codes = [], { key = "areas_label", name = "areaCodes", single = false } = {}) {
  const names = new Map([...app.areas.municipalities, ...app.areas.districts, ...app.areas.neighbourhoods].map((a) => [a.code, a.name]));
  let chosen = [...codes];
  const list = h("ul", { class: "ex-chosen", id: `${id}-chosen`, "aria-live": "polite" });
  const options = [["", t(single ? "choose_area" : "area_add")]];
  for (const m of app.areas.municipalities) {
    options.push([m.code, `${m.name} (${m.code})`]);
    for (const d of app.areas.districts.filter((x) => x.parent?.code === m.code).sort((a, b) => a.name.localeCompare(b.name))) {
      options.push([d.code, `· ${d.name} (${d.code})`]);
      for (const b of app.areas.neighbourhoods.filter((x) => x.parent?.code === d.code).sort((a, b) => a.name.localeCompare(b.name))) {
        options.push([b.code, `· · ${b.name} (${b.code})`]);
      }
    }
  }
  const control = select(id, options);
  control.setAttribute("translate", "no");
  control.firstChild.removeAttribute("translate");
  const render = () =>
    single
      ? null
      : clear(
      list,
      chosen.map((code) =>
        h(
          "li",
          { dataset: { code } },
          h("span", { translate: "no" }, `${names.get(code) ?? code} (${code})`),
          single
            ? null
            : h(
                "button",
                {
                  type: "button",
                  class: "utrecht-button utrecht-button--subtle ex-small",
                  "aria-label": t("area_remove", { name: names.get(code) ?? code }),
                  onclick: () => {
                    chosen = chosen.filter((c) => c !== code);
                    render();
                  },
                },
                t("remove"),
              ),
        ),
      ),
    );
  control.addEventListener("change", () => {
    const code = control.value;
    if (!code) return;
    chosen = single ? [code] : [...new Set([...chosen, code])];
    if (!single) control.value = "";
    render();
  });
  if (single && codes[0]) control.value = codes[0];
  render();
  const wrap = field(id, key, control, { name });
  wrap.append(list);
  wrap.codes = () => [...chosen];
  return wrap;
}

// The API's userErrors (field "input.name", code REQUIRED...) said next to their field, in the page's
// language; an error that names no field of the form is said at the top of the form.
export function showErrors(form, errors) {
  clearErrors(form);
  const general = [];
  for (const error of errors) {
    const name = error.field.replace(/^input\./, "").split(".")[0].replace(/\[\d+\]$/, "");
    const box = form.querySelector(`[data-field="${CSS.escape(name)}"]`) ?? form.querySelector(`[data-field="${CSS.escape(error.field)}"]`);
    const text = error.text ?? errorText(error);
    const slot = box?.querySelector(".ex-field-error");
    if (!slot) {
      general.push(text);
      continue;
    }
    slot.hidden = false;
    slot.textContent = slot.textContent ? `${slot.textContent} ${text}` : text;
    const control = box.querySelector("input:not([type=checkbox]):not([type=radio]), select, textarea") ?? box.querySelector("input");
    if (control) {
      control.setAttribute("aria-invalid", "true");
      const described = new Set((control.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean));
      described.add(slot.id);
      control.setAttribute("aria-describedby", [...described].join(" "));
    }
  }
  const alert = form.querySelector(".ex-form-alert");
  if (alert) {
    alert.hidden = !general.length;
    alert.textContent = general.join(" ");
  }
  const first = form.querySelector("[aria-invalid=true]") ?? (general.length ? alert : null);
  first?.focus?.();
}

export function clearErrors(form) {
  for (const slot of form.querySelectorAll(".ex-field-error")) {
    slot.hidden = true;
    slot.textContent = "";
  }
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
  const alert = form.querySelector(".ex-form-alert");
  if (alert) {
    alert.hidden = true;
    alert.textContent = "";
  }
}

export function formAlert() {
  return h("div", { class: "utrecht-alert utrecht-alert--error ex-form-alert", role: "alert", tabindex: "-1", hidden: true });
}

// A userError in plain words: by its code (the API words them in English), the field it is about
// making it more precise where that helps.
export function errorText(error) {
  const name = error.field.replace(/^input\./, "").split(".")[0];
  const specific = `uerr_${error.code}_${name}`;
  if (t(specific) !== specific) return t(specific);
  const general = `uerr_${error.code}`;
  return t(general) !== general ? t(general) : t("uerr_other", { code: error.code });
}
