// Two stakeholders: the connection paths drawn, and who can introduce them listed as text.
import { gql, has } from "../api.js";
import { clear, h } from "../dom.js";
import { kindLabel, number, percent, relationLabel, t } from "../i18n.js";
import { combobox } from "../search.js";

const picked = { from: null, to: null };
let rendered = null;

function field(id, labelKey) {
  return h(
    "div",
    { class: "utrecht-form-field ex-combobox" },
    h("label", { class: "utrecht-form-label", for: `${id}-input`, "data-i18n": labelKey }, t(labelKey)),
    h("input", { id: `${id}-input`, class: "utrecht-textbox utrecht-textbox--html-input", type: "text" }),
    h("ul", { id: `${id}-list`, class: "ex-listbox", "aria-label": t(labelKey) }),
    h("p", { id: `${id}-status`, class: "ex-hint", role: "status" }),
  );
}

export function init(app) {
  const root = document.getElementById("panel-paths");
  const hopsSelect = h(
    "select",
    { id: "paths-hops", class: "utrecht-select utrecht-select--html-select" },
    [2, 3, 4, 5, 6].map((n) => h("option", { value: n, selected: n === app.state.hops }, String(n))),
  );
  const warm = h("input", { type: "checkbox", id: "paths-warm", class: "utrecht-checkbox utrecht-checkbox--html-input", checked: app.state.warm === "1" });
  const form = h(
    "form",
    { class: "ex-form", id: "paths-form" },
    h("p", { class: "utrecht-paragraph", "data-i18n": "paths_intro" }, t("paths_intro")),
    field("paths-from", "paths_from"),
    field("paths-to", "paths_to"),
    h(
      "div",
      { class: "ex-inline" },
      h("div", { class: "utrecht-form-field" }, h("label", { class: "utrecht-form-label", for: "paths-hops", "data-i18n": "paths_max_hops" }, t("paths_max_hops")), hopsSelect),
    ),
    h("div", { class: "ex-checks" }, h("label", { for: "paths-warm" }, warm, h("span", { "data-i18n": "paths_warm" }, t("paths_warm")))),
    h("div", {}, h("button", { type: "submit", class: "utrecht-button utrecht-button--primary-action", "data-i18n": "paths_show" }, t("paths_show"))),
  );
  const status = h("p", { id: "paths-status", role: "status", class: "utrecht-paragraph" });
  root.append(form, status, h("div", { id: "paths-result" }));
  combobox(form.querySelector("#paths-from-input"), form.querySelector("#paths-from-list"), { onPick: (item) => (picked.from = item.id), status: form.querySelector("#paths-from-status") });
  combobox(form.querySelector("#paths-to-input"), form.querySelector("#paths-to-list"), { onPick: (item) => (picked.to = item.id), status: form.querySelector("#paths-to-status") });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const from = picked.from ?? app.state.focus;
    const to = picked.to ?? app.state.to;
    if (!from || !to) {
      status.textContent = t("paths_need_two");
      return;
    }
    app.setState(
      { view: "paths", focus: from, to, hops: Number(hopsSelect.value), warm: warm.checked ? "1" : null, suggest: null, sel: null, expand: [], hide: [], only: null, open: [] },
      { push: true },
    );
  });
}

export async function update(app) {
  const s = app.state;
  const names = app.model.nodes;
  const fromInput = document.getElementById("paths-from-input");
  if (!fromInput) return;
  if (s.focus && !picked.from && document.activeElement !== fromInput) fromInput.value = names.get(s.focus)?.name ?? fromInput.value;
  const toInput = document.getElementById("paths-to-input");
  if (s.to && !picked.to && document.activeElement !== toInput && names.get(s.to)) toInput.value = names.get(s.to).name;
  const result = document.getElementById("paths-result");
  const status = document.getElementById("paths-status");
  if (s.view !== "paths" || !app.extra.paths) {
    if (rendered) clear(result);
    rendered = null;
    return;
  }
  const key = `${app.modelKey}|${s.lang}`;
  if (key === rendered) return;
  rendered = key;
  const paths = app.extra.paths;
  const answer = paths.length ? { kind: "found", text: t("paths_found", { n: paths.length }) } : await noPathAnswer(app);
  if (rendered !== key) return;
  status.textContent = answer.text;
  status.dataset.answer = answer.kind;
  const name = (id) => names.get(id)?.name ?? id;
  const list = h(
    "ol",
    { class: "ex-paths", id: "paths-list" },
    paths.map((p, i) =>
      h(
        "li",
        { dataset: { nodes: p.nodes.map((n) => n.id).join(",") } },
        h("span", {}, t("path_n", { n: i + 1, hops: p.length, strength: number(p.strength) })),
        h(
          "ol",
          { class: "ex-steps" },
          p.nodes.map((n, j) => [
            h("li", {}, h("button", { type: "button", class: "ex-linkbutton", translate: "no", onclick: () => app.select(n.id) }, n.name)),
            j < p.hops.length ? h("li", { class: "ex-rel", "aria-hidden": "false" }, `— ${(p.hops[j].relations ?? []).map((r) => relationLabel(r.kind)).join(", ") || "…"} —`) : null,
          ]),
        ),
      ),
    ),
  );
  const introducers = await introducersOf(app, paths);
  if (rendered !== key) return;
  clear(
    result,
    list,
    h("h3", { class: "utrecht-heading-3", id: "introducers-title" }, t("introducers")),
    introducers.length
      ? h(
          "ul",
          { id: "introducers", "aria-labelledby": "introducers-title" },
          introducers.map((x) =>
            h(
              "li",
              { dataset: { id: x.id } },
              h("button", { type: "button", class: "ex-linkbutton", translate: "no", onclick: () => app.select(x.id) }, x.name ?? name(x.id)),
              ` (${kindLabel(x.kind)}): `,
              x.share !== undefined ? t("introducer_share", { share: percent(x.share) }) : t("introducer_paths", { n: x.count }),
            ),
          ),
        )
      : h("p", { class: "utrecht-paragraph", id: "introducers" }, t("none")),
  );
}

// No way within the steps asked: are they connected further away, or not at all? Servers with
// connected(from, to) say which; others only that nothing was found within the steps.
async function noPathAnswer(app) {
  const s = app.state;
  const names = { a: app.model.nodes.get(s.focus)?.name ?? "", b: app.model.nodes.get(s.to)?.name ?? "", max: s.hops };
  if (has("connected")) {
    try {
      const { connected } = await gql(`query Connected($from: ID!, $to: ID!) { connected(from: $from, to: $to) { connected hops } }`, { from: s.focus, to: s.to });
      if (connected && !connected.connected) return { kind: "not-connected", text: t("paths_not_connected", names) };
      if (connected?.hops) return { kind: "further", text: t("paths_further", { ...names, hops: connected.hops }) };
    } catch {
      // say what is known without it
    }
  }
  return { kind: "none-within", text: t("paths_none_within", names) };
}

// The server's introducers when it has them, otherwise the stakeholders between the two ends of
// the paths found (meetings left out), those on the most paths first.
async function introducersOf(app, paths) {
  const s = app.state;
  if (!paths.length) return []; // no way, nobody on it
  if (has("introducers")) {
    try {
      const data = await gql(
        `query Introducers($from: ID!, $to: ID!, $maxHops: Int!) {
          introducers(from: $from, to: $to, maxHops: $maxHops, first: 5) { share pathCount stakeholder { id ... on Stakeholder { name kind } } }
        }`,
        { from: s.focus, to: s.to, maxHops: s.hops },
      );
      return data.introducers
        .filter((x) => x.stakeholder)
        .map((x) => ({ id: x.stakeholder.id, name: x.stakeholder.name, kind: x.stakeholder.kind, share: x.share, count: x.pathCount }));
    } catch {
      // fall back to what the paths say
    }
  }
  const counts = new Map();
  for (const p of paths) {
    for (const n of p.nodes.slice(1, -1)) {
      if (n.__typename === "Meeting") continue;
      const entry = counts.get(n.id) ?? { id: n.id, name: n.name, kind: n.kind, count: 0 };
      entry.count += 1;
      counts.set(n.id, entry);
    }
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}
