// Form parts the panels share: an area select (municipalities with their districts) and a theme select.
import { h } from "../dom.js";
import { t, themeLabel } from "../i18n.js";

export function areaSelect(app, id, value, { neighbourhoods = false, empty = "choose_area" } = {}) {
  const byParent = new Map();
  const children = neighbourhoods ? [...app.areas.districts, ...app.areas.neighbourhoods] : app.areas.districts;
  for (const area of children) {
    const key = area.level === "NEIGHBOURHOOD" ? gemeenteOf(app, area) : area.parent?.code;
    if (!byParent.has(key)) byParent.set(key, []);
    byParent.get(key).push(area);
  }
  return h(
    "select",
    { id, class: "utrecht-select utrecht-select--html-select" },
    h("option", { value: "", "data-i18n": empty }, t(empty)),
    app.areas.municipalities.map((m) =>
      h(
        "optgroup",
        { label: m.name, translate: "no" },
        h("option", { value: m.code, selected: m.code === value, translate: "no", dataset: { name: m.name } }, `${m.name} (${m.code})`),
        (byParent.get(m.code) ?? [])
          .sort((a, b) => a.code.localeCompare(b.code))
          .map((a) => h("option", { value: a.code, selected: a.code === value, translate: "no", dataset: { name: a.name } }, `${a.level === "NEIGHBOURHOOD" ? "· · " : "· "}${a.name}`)),
      ),
    ),
  );
}

function gemeenteOf(app, area) {
  const district = app.areas.districts.find((d) => d.code === area.parent?.code);
  return district?.parent?.code;
}

export function themeSelect(app, id, value) {
  return h(
    "select",
    { id, class: "utrecht-select utrecht-select--html-select" },
    h("option", { value: "", "data-i18n": "any_theme" }, t("any_theme")),
    app.themes.map((th) => h("option", { value: th.key, selected: th.key === value }, themeLabel(th.key))),
  );
}

export function labelled(id, key, control) {
  return h("div", { class: "utrecht-form-field" }, h("label", { class: "utrecht-form-label", for: id, "data-i18n": key }, t(key)), control);
}

// Theme option labels follow the language.
export function relabelThemes(select) {
  for (const option of select.options) if (option.value) option.textContent = themeLabel(option.value);
}
