// Flat filter chips for kind, theme and wijk: a pressed chip keeps the stakeholders that have it.
import { clear, h } from "./dom.js";
import { kindLabel, t, themeLabel } from "./i18n.js";
import { KIND_ORDER } from "./kinds.js";

const GROUPS = [
  { key: "kinds", title: "filter_kind", label: (v) => kindLabel(v), order: (a, b) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b) },
  { key: "themes", title: "filter_theme", label: (v) => themeLabel(v) },
  { key: "wijk", title: "filter_wijk" },
];

export function renderChips(root, values, state, areaNames, onToggle, onClear) {
  const groups = GROUPS.map((group) => {
    const counts = values[group.key];
    const pressed = new Set(state[group.key]);
    for (const v of pressed) if (!counts.has(v)) counts.set(v, 0);
    if (!counts.size) return null;
    const label = group.label ?? ((v) => areaNames.get(v) ?? v);
    const order = group.order ?? ((a, b) => label(a).localeCompare(label(b)));
    const chips = [...counts.keys()].sort(order).map((v) =>
      h(
        "button",
        {
          type: "button",
          class: "ex-chip",
          "aria-pressed": String(pressed.has(v)),
          dataset: { group: group.key, value: v },
          onclick: () => onToggle(group.key, v),
        },
        h("span", { translate: group.key === "wijk" ? "no" : null }, label(v)),
        " ",
        h("span", { class: "ex-chip__count" }, `(${counts.get(v)})`),
      ),
    );
    const id = `chips-${group.key}`;
    return h("div", { class: "ex-chipgroup", role: "group", "aria-labelledby": id }, h("span", { class: "ex-chipgroup__title", id }, t(group.title)), chips);
  });
  const any = GROUPS.some((g) => state[g.key].length);
  clear(root, groups, any ? h("button", { type: "button", class: "utrecht-button utrecht-button--subtle ex-small", onclick: onClear }, t("filters_clear")) : null);
}
