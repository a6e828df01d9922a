// "Aanmeldingen" (editors): what people registered themselves through /aanmelden, waiting for an
// editor; nothing of it is visible to anyone else until it is approved.
import { fieldsOf, gql, has, hasField, hasMutation, mayWrite } from "../api.js";
import { announce, clear, h } from "../dom.js";
import { dateLabel, errorText } from "../forms.js";
import { kindLabel, needLabel, t, themeLabel } from "../i18n.js";
import * as details from "./details.js";

function listQuery() {
  const scalars = fieldsOf("Registration", "kind name needs offers contact visibility createdAt");
  const areas = hasField("Registration", "areas") ? "areas { code name }" : "";
  const themes = hasField("Registration", "themes") ? "themes { key }" : "";
  return `query Registrations { registrations(first: 50) { totalCount nodes { id ${scalars} ${areas} ${themes} } } }`;
}

let builtFor = null;
let loadedKey = null;

export function init(app) {
  document.getElementById("panel-queue").append(h("div", { id: "queue-body" }));
}

export async function update(app, { force = false } = {}) {
  if (app.state.tab !== "queue") return;
  const root = document.getElementById("queue-body");
  if (!root) return;
  const key = `${app.state.lang}|${app.me?.role}`;
  if (key !== builtFor) {
    builtFor = key;
    loadedKey = null;
    if (!mayWrite(app.me)) return clear(root, h("p", { class: "utrecht-paragraph" }, t("needs_editor")));
    if (!has("registrations")) return clear(root, h("p", { class: "utrecht-paragraph" }, t("queue_unavailable")));
    clear(
      root,
      h("p", { class: "utrecht-paragraph" }, t("queue_intro")),
      h("p", { class: "utrecht-paragraph", id: "queue-status", role: "status" }),
      h("div", { id: "queue-result" }),
    );
  }
  if (!mayWrite(app.me) || !has("registrations")) return;
  if (!force && loadedKey === key) return;
  loadedKey = key;
  const status = document.getElementById("queue-status");
  const result = document.getElementById("queue-result");
  status.textContent = t("loading");
  let list;
  try {
    list = (await gql(listQuery())).registrations;
  } catch (error) {
    status.textContent = t("error", { message: error.message });
    return;
  }
  status.textContent = list.totalCount ? t("queue_found", { n: list.totalCount }) : t("queue_none");
  clear(result, list.nodes.length ? h("ul", { class: "ex-queue", id: "queue-list" }, list.nodes.map((r) => item(app, r))) : null);
}

const themeKey = (x) => (typeof x === "string" ? x : x?.key);

function item(app, r) {
  const rows = [];
  if (r.kind) rows.push([t("details_kind"), kindLabel(r.kind)]);
  const areas = r.areas?.map((a) => `${a.name} (${a.code})`) ?? r.areaCodes;
  if (areas?.length) rows.push([t("details_areas"), h("span", { translate: "no" }, areas.join(", "))]);
  if (r.themes?.length) rows.push([t("details_themes"), r.themes.map((x) => themeLabel(themeKey(x))).join(", ")]);
  if (r.needs?.length) rows.push([t("details_needs"), r.needs.map(needLabel).join(", ")]);
  if (r.offers?.length) rows.push([t("details_offers"), r.offers.map(needLabel).join(", ")]);
  if (r.visibility) rows.push([t("field_visibility"), t(`visibility_${r.visibility}`)]);
  if (r.contact) rows.push([t("contact"), h("span", { translate: "no" }, r.contact)]);
  const when = r.createdAt;
  if (when) rows.push([t("registered_on"), dateLabel(String(when).slice(0, 10), app.state.lang)]);
  const actions = h("div", { class: "ex-rowactions" });
  const li = h(
    "li",
    { class: "ex-card", dataset: { id: r.id } },
    h("h3", { class: "utrecht-heading-3", translate: "no" }, r.name ?? ""),
    h("dl", { class: "ex-dl" }, rows.map(([dt, dd]) => [h("dt", {}, dt), h("dd", {}, dd)])),
    actions,
  );
  const decide = (mutation, key, primary) =>
    hasMutation(mutation)
      ? h(
          "button",
          {
            type: "button",
            class: `utrecht-button ${primary ? "utrecht-button--primary-action" : "utrecht-button--secondary-action"} ex-small`,
            "aria-label": `${t(key)}: ${r.name ?? ""}`,
            dataset: { action: key },
            onclick: async () => {
              let errors;
              try {
                const data = await gql(`mutation Decide($id: ID!) { ${mutation}(id: $id) { userErrors { field message code } } }`, { id: r.id });
                errors = data[mutation].userErrors;
              } catch (error) {
                actions.append(h("span", { class: "ex-field-error" }, t("error", { message: error.message })));
                return;
              }
              if (errors.length) {
                actions.append(h("span", { class: "ex-field-error" }, errors.map(errorText).join(" ")));
                return;
              }
              announce(t(key === "approve" ? "approved" : "rejected_registration", { name: r.name ?? "" }));
              await details.changed(app);
              update(app, { force: true });
            },
          },
          t(key),
        )
      : null;
  actions.append(...[decide("approveRegistration", "approve", true), decide("rejectRegistration", "reject_registration", false)].filter(Boolean));
  return li;
}
