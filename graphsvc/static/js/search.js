// Type-ahead search (the WAI-ARIA combobox pattern with a listbox popup) over stakeholders(search:).
// The server decides the order (exact, prefix, words, tags; organisations before residents); the
// page keeps it, except that a form can ask for the hits in its chosen area first. Every hit says
// where it is (buurt, wijk, gemeente), and an empty answer always says why, visibly.
import { gql } from "./api.js";
import { clear, h } from "./dom.js";
import { kindLabel, t } from "./i18n.js";
import { shapeSvg } from "./kinds.js";

const AREA = "code name level";
const SEARCH = `query Search($q: String!) { stakeholders(search: $q, first: 10) { totalCount nodes { id name kind areas { ${AREA} parent { ${AREA} parent { ${AREA} } } } } } }`;

// The chain of areas above an area, itself first: [buurt, wijk, gemeente].
function chain(area) {
  const out = [];
  for (let a = area; a; a = a.parent) out.push(a);
  return out;
}

// "Neckardreef e.o., Overvecht · Utrecht": the most specific area, its wijk, and the municipality.
export function placeOf(areas = []) {
  if (!areas.length) return "";
  const rank = { NEIGHBOURHOOD: 0, WORKING_AREA: 1, DISTRICT: 2, MUNICIPALITY: 3 };
  const first = [...areas].sort((a, b) => (rank[a.level] ?? 9) - (rank[b.level] ?? 9))[0];
  const up = chain(first);
  const gemeente = up.find((a) => a.level === "MUNICIPALITY");
  const local = up.filter((a) => a !== gemeente).map((a) => a.name);
  return [local.join(", "), gemeente?.name].filter(Boolean).join(" · ");
}

export function inArea(option, code) {
  return (option.areas ?? []).some((a) => chain(a).some((x) => x.code === code));
}

// preferArea: () => {code, name} | null — hits there first, and a word when there are none there.
export function combobox(input, list, { onPick, status, preferArea = null }) {
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
  const say = (text) => {
    if (status) status.textContent = text;
  };

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
    say("");
    onPick(item);
  };

  async function run(q) {
    const mine = ++seq;
    let data;
    try {
      data = await gql(SEARCH, { q });
    } catch (error) {
      if (mine === seq) say(t("search_failed", { message: error.message }));
      return;
    }
    if (mine !== seq) return;
    options = data.stakeholders.nodes;
    const area = preferArea?.();
    let here = null;
    if (area?.code) {
      const inside = options.filter((o) => inArea(o, area.code));
      here = inside.length;
      options = [...inside, ...options.filter((o) => !inArea(o, area.code))];
    }
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
            dataset: { id: o.id, here: area?.code ? String(i < here) : undefined },
            onmousedown: (e) => e.preventDefault(),
            onclick: () => pick(i),
          },
          shapeSvg(o.kind, 12),
          h("span", { class: "ex-option__text" }, h("span", { class: "ex-option__name", translate: "no" }, o.name), h("span", { class: "ex-option__meta" }, kindLabel(o.kind), placeOf(o.areas) ? [" · ", h("span", { translate: "no" }, placeOf(o.areas))] : null)),
        ),
      ),
    );
    list.hidden = options.length === 0;
    input.setAttribute("aria-expanded", String(options.length > 0));
    if (!options.length) say(t("search_none_why", { q }));
    else if (area?.code && here === 0) say(t("search_none_in_area", { area: area.name, n: data.stakeholders.totalCount }));
    else if (area?.code) say(t("search_results_area", { n: data.stakeholders.totalCount, here, area: area.name }));
    else say(t("search_results", { n: data.stakeholders.totalCount }));
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) {
      seq++;
      close();
      say(q.length === 1 ? t("search_more") : "");
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
