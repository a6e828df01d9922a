// Type-ahead search (the WAI-ARIA combobox pattern with a listbox popup) over stakeholders(search:).
import { gql } from "./api.js";
import { clear, h } from "./dom.js";
import { kindLabel, t } from "./i18n.js";
import { shapeSvg } from "./kinds.js";

const SEARCH = `query Search($q: String!) { stakeholders(search: $q, first: 10) { totalCount nodes { id name kind areas { name } } } }`;

export function combobox(input, list, { onPick, status }) {
  let options = [];
  let active = -1;
  let seq = 0;
  let timer = null;
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("autocomplete", "off");
  list.setAttribute("role", "listbox");
  list.hidden = true;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };

  const mark = () => {
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", list.children[active].id);
      list.children[active].scrollIntoView({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
  };

  const pick = (i) => {
    const item = options[i];
    if (!item) return;
    close();
    input.value = item.name;
    onPick(item);
  };

  async function run(q) {
    const mine = ++seq;
    let data;
    try {
      data = await gql(SEARCH, { q });
    } catch (error) {
      if (status) status.textContent = t("error", { message: error.message });
      return;
    }
    if (mine !== seq) return;
    options = data.stakeholders.nodes;
    active = -1;
    clear(
      list,
      options.map((o, i) =>
        h(
          "li",
          {
            id: `${list.id}-${i}`,
            role: "option",
            "aria-selected": "false",
            class: "ex-option",
            dataset: { id: o.id },
            onmousedown: (e) => e.preventDefault(),
            onclick: () => pick(i),
          },
          shapeSvg(o.kind, 12),
          h("span", { class: "ex-option__name" }, o.name),
          h("span", { class: "ex-option__meta" }, [kindLabel(o.kind), o.areas[0]?.name].filter(Boolean).join(" · ")),
        ),
      ),
    );
    list.hidden = options.length === 0;
    input.setAttribute("aria-expanded", String(options.length > 0));
    if (status) status.textContent = options.length ? t("search_results", { n: data.stakeholders.totalCount }) : t("search_none");
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) {
      seq++;
      close();
      return;
    }
    timer = setTimeout(() => run(q), 150);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (list.hidden) return;
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      active = (active + step + options.length) % options.length;
      mark();
    } else if (e.key === "Enter") {
      if (!list.hidden && options.length) {
        e.preventDefault();
        pick(active >= 0 ? active : 0);
      }
    } else if (e.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
  return { close };
}
