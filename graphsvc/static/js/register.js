// The public registration page (/aanmelden): an initiative, organisation or resident signs up
// without a token, gives consent in plain words, and gets a code to withdraw with. Nothing of it
// is visible to anyone but editors until an editor approves it.
import { areasOf, gql, has, loadCapabilities } from "./api.js";
import { announce, clear, h } from "./dom.js";
import {
  areaPicker,
  checked,
  checks,
  clearErrors,
  field,
  formAlert,
  needOptions,
  radios,
  showErrors,
  textInput,
  themeOptions,
  VISIBILITIES,
} from "./forms.js";
import { setLang, setThemes, t, translate } from "./i18n.js";

const KINDS = ["INITIATIVE", "ORGANISATION", "RESIDENT"];
// Codes the registration API words itself in the caller's language (with details such as minutes).
const SERVER_WORDS = new Set(["RATE_LIMITED", "DUPLICATE", "QUEUE_FULL", "CONSENT_REQUIRED", "AREA_REQUIRED", "NOT_FOUND"]);
const worded = (errors) =>
  errors.map((e) => (SERVER_WORDS.has(e.code) && e.message ? { ...e, text: e.message.charAt(0).toUpperCase() + e.message.slice(1) + "." } : e));
let consent = null; // {version, text} from the server, in the page's language

const page = { lang: new URLSearchParams(location.search).get("lang") === "en" ? "en" : "nl", themes: [], areas: { municipalities: [], districts: [], neighbourhoods: [] } };
let kind = "INITIATIVE";
let result = null; // {withdrawalCode} after a registration

const ANONYMOUS = { anonymous: true }; // the sign-up page never sends a token
const ask = (query, variables) => gql(query, variables, ANONYMOUS);

function registerForm() {
  const form = h("form", { id: "register-form", class: "ex-form ex-register__form", novalidate: true });
  const build = (values = {}) => {
    const nameKey = { INITIATIVE: "reg_name_INITIATIVE", ORGANISATION: "reg_name_ORGANISATION", RESIDENT: "reg_name_RESIDENT" }[kind];
    clear(
      form,
      formAlert(),
      radios("reg-kind", "reg_kind", KINDS.map((k) => [k, t(`reg_kind_${k}`)]), kind, { name: "kind" }),
      field("reg-name", nameKey, textInput("reg-name", values.name ?? "", { autocomplete: kind === "RESIDENT" ? "name" : "organization" }), { name: "name" }),
      areaPicker(page, "reg-area", values.areaCodes ?? [], { key: "reg_area", single: true }),
      checks("reg-themes", "reg_themes", themeOptions(page.themes), values.themes ?? [], { name: "themes" }),
      kind === "INITIATIVE" ? checks("reg-needs", "reg_needs", needOptions(), values.needs ?? [], { name: "needs" }) : null,
      kind === "ORGANISATION" ? checks("reg-offers", "reg_offers", needOptions(), values.offers ?? [], { name: "offers" }) : null,
      field("reg-contact", "reg_contact", textInput("reg-contact", values.contact ?? "", { autocomplete: "email" }), { name: "contact", hint: "reg_contact_hint" }),
      kind === "RESIDENT" ? radios("reg-visibility", "reg_visibility", VISIBILITIES.map((v) => [v, t(`reg_visibility_${v}`)]), values.visibility ?? "PRIVATE", { name: "visibility" }) : null,
      // For robots only: people never see it (nor do screen readers); a filled one is refused.
      h(
        "div",
        { class: "ex-honeypot", "aria-hidden": "true" },
        h("label", { for: "reg-website" }, t("reg_honeypot")),
        h("input", { id: "reg-website", name: "website", type: "text", tabindex: "-1", autocomplete: "off" }),
      ),
      h(
        "div",
        { class: "ex-field ex-consent", dataset: { field: "consent" } },
        h(
          "label",
          { for: "reg-consent" },
          h("input", { type: "checkbox", id: "reg-consent", class: "utrecht-checkbox utrecht-checkbox--html-input", required: true, "aria-describedby": "reg-consent-text" }),
          h("span", { id: "reg-consent-text" }, consent?.text ?? t(kind === "RESIDENT" ? "reg_consent_RESIDENT" : "reg_consent")),
        ),
        h("p", { class: "ex-field-error", id: "reg-consent-error", hidden: true }),
      ),
      h("div", { class: "ex-actions" }, h("button", { type: "submit", class: "utrecht-button utrecht-button--primary-action", id: "reg-submit" }, t("reg_submit"))),
      h("p", { class: "ex-hint", role: "status", id: "reg-status" }),
    );
    for (const radio of form.querySelectorAll('input[name="reg-kind"]')) {
      radio.addEventListener("change", () => {
        const keep = values0();
        kind = radio.value;
        build(keep);
        form.querySelector(`input[name="reg-kind"][value="${kind}"]`).focus();
      });
    }
  };
  const values0 = () => ({
    name: form.querySelector("#reg-name")?.value ?? "",
    areaCodes: form.querySelector('[data-field="areaCodes"]')?.codes() ?? [],
    themes: form.querySelector("#reg-themes") ? checked(form.querySelector("#reg-themes")) : [],
    contact: form.querySelector("#reg-contact")?.value ?? "",
  });
  build();
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    const input = {
      kind,
      name: form.querySelector("#reg-name").value.trim(),
      areaCodes: form.querySelector('[data-field="areaCodes"]').codes(),
      themes: checked(form.querySelector("#reg-themes")),
      needs: kind === "INITIATIVE" ? checked(form.querySelector("#reg-needs")) : [],
      offers: kind === "ORGANISATION" ? checked(form.querySelector("#reg-offers")) : [],
      contact: form.querySelector("#reg-contact").value.trim() || null,
      consent: form.querySelector("#reg-consent").checked,
      website: form.querySelector("#reg-website").value,
    };
    if (kind === "RESIDENT") input.visibility = form.querySelector('input[name="reg-visibility"]:checked')?.value ?? "PRIVATE";
    const local = [];
    if (!input.name) local.push({ field: "input.name", code: "REQUIRED" });
    if (!input.consent) local.push({ field: "input.consent", code: "CONSENT_REQUIRED" });
    if (local.length) return showErrors(form, local);
    const status = form.querySelector("#reg-status");
    status.textContent = t("saving");
    let payload;
    try {
      payload = (
        await ask(
          `mutation Register($input: RegistrationInput!) { register(input: $input) { registrationId withdrawalCode userErrors { field message code } } }`,
          { input },
        )
      ).register;
    } catch (error) {
      status.textContent = "";
      return showErrors(form, [{ field: "", code: error.code === "RATE_LIMITED" ? "RATE_LIMITED" : "ERROR", message: error.message }]);
    }
    status.textContent = "";
    if (payload.userErrors.length) return showErrors(form, worded(payload.userErrors));
    result = { code: payload.withdrawalCode, name: input.name };
    showDone();
  });
  return form;
}

function showDone() {
  const body = document.getElementById("register-body");
  clear(
    body,
    h(
      "div",
      { class: "utrecht-alert ex-done", id: "register-done", role: "status" },
      h("h3", { class: "utrecht-heading-3", id: "register-done-title", tabindex: "-1" }, t("reg_done_title")),
      h("p", { class: "utrecht-paragraph" }, t("reg_done_text")),
      h("p", { class: "utrecht-paragraph" }, t("reg_code_is"), " ", h("strong", { id: "withdrawal-code", class: "ex-code", translate: "no" }, result.code)),
      h("p", { class: "utrecht-paragraph" }, t("reg_code_keep")),
    ),
  );
  body.querySelector("#register-done-title").focus();
  const code = document.getElementById("withdraw-code");
  if (code && !code.value) code.value = result.code;
}

function withdrawForm() {
  const form = h(
    "form",
    { id: "withdraw-form", class: "ex-form ex-register__form", novalidate: true },
    h("p", { class: "utrecht-paragraph" }, t("withdraw_intro")),
    formAlert(),
    field("withdraw-code", "withdraw_code", textInput("withdraw-code", result?.code ?? "", { autocomplete: "off", spellcheck: "false" }), { name: "code" }),
    h("div", { class: "ex-actions" }, h("button", { type: "submit", class: "utrecht-button utrecht-button--secondary-action", id: "withdraw-submit" }, t("withdraw_submit"))),
    h("p", { class: "utrecht-paragraph", role: "status", id: "withdraw-status" }),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors(form);
    const code = form.querySelector("#withdraw-code").value.trim();
    if (!code) return showErrors(form, [{ field: "code", code: "REQUIRED" }]);
    let payload;
    try {
      payload = (await ask(`mutation Withdraw($code: String!) { withdrawRegistration(code: $code) { withdrawn userErrors { field message code } } }`, { code })).withdrawRegistration;
    } catch (error) {
      return showErrors(form, [{ field: "", code: "ERROR", message: error.message }]);
    }
    if (payload.userErrors.length) return showErrors(form, worded(payload.userErrors));
    const status = form.querySelector("#withdraw-status");
    status.textContent = payload.withdrawn ? t("withdrawn") : t("withdraw_unknown");
    if (payload.withdrawn) {
      form.dataset.done = "true";
      announce(t("withdrawn"));
    }
  });
  return form;
}

async function loadConsent(language) {
  if (!has("registrationConsent")) return;
  try {
    const query = `query Consent { registrationConsent { version text } }`;
    consent = (await gql(query, {}, { ...ANONYMOUS, language })).registrationConsent;
  } catch {
    consent = null; // a server without it: the page's own words
  }
}

// The consent's words come first, in the language asked for; then the page switches at once
// (its lang attribute never names a language its words are not yet in).
async function render() {
  await loadConsent(page.lang);
  setLang(page.lang);
  translate();
  document.title = `${t("register_title")} · graphsvc`;
  document.getElementById("lang-switch").lang = page.lang === "en" ? "nl" : "en";
  if (result) showDone();
  else clear(document.getElementById("register-body"), registerForm());
  clear(document.getElementById("withdraw-body"), withdrawForm());
}

async function start() {
  window.registration = page; // for the browser tests
  document.getElementById("lang-switch").addEventListener("click", () => {
    page.lang = page.lang === "en" ? "nl" : "en";
    const url = new URL(location.href);
    if (page.lang === "en") url.searchParams.set("lang", "en");
    else url.searchParams.delete("lang");
    history.replaceState(null, "", url);
    render();
  });
  setLang(page.lang);
  try {
    const [, themes, municipalities, districts, neighbourhoods] = await Promise.all([
      loadCapabilities(),
      ask(`query Themes { themes { key labelNl labelEn } }`).then((d) => d.themes),
      areasOf("MUNICIPALITY", ANONYMOUS),
      areasOf("DISTRICT", ANONYMOUS),
      areasOf("NEIGHBOURHOOD", ANONYMOUS),
    ]);
    page.themes = themes;
    setThemes(themes);
    page.areas = { municipalities, districts, neighbourhoods };
  } catch (error) {
    document.getElementById("register-body").textContent = t("error", { message: error.message });
  }
  await render();
  document.documentElement.dataset.ready = "true";
}

start();
