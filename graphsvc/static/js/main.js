// The explorer's controller: state (in the URL) -> model (from the API) -> drawing, tables, panels.
import { ApiError, areasOf, gql, loadCapabilities, mayAsk, mayWrite, setToken, token, whoAmI } from "./api.js";
import { renderChips } from "./chips.js";
import { $, announce } from "./dom.js";
import { exportCsv, exportPng } from "./exporting.js";
import { GraphView } from "./graph.js";
import { groupLabel, kindLabel, setLang, setThemes, t, translate } from "./i18n.js";
import { renderLegend } from "./legend.js";
import { expandInto, egoModel, pathsModel } from "./loaders.js";
import { renderMirror } from "./mirror.js";
import { GraphModel, chipValues, visible } from "./model.js";
import { dateLabel } from "./forms.js";
import * as areaPanel from "./panels/area.js";
import * as changesPanel from "./panels/changes.js";
import * as checkPanel from "./panels/check.js";
import * as detailsPanel from "./panels/details.js";
import * as entryPanel from "./panels/entry.js";
import * as queuePanel from "./panels/queue.js";
import * as matchPanel from "./panels/match.js";
import * as pathsPanel from "./panels/paths.js";
import * as suggestionsPanel from "./panels/suggestions.js";
import { combobox } from "./search.js";
import { readState, writeState } from "./state.js";

const PANELS = {
  details: detailsPanel,
  paths: pathsPanel,
  suggestions: suggestionsPanel,
  match: matchPanel,
  area: areaPanel,
  changes: changesPanel,
  entry: entryPanel,
  check: checkPanel,
  queue: queuePanel,
};
const TABS = Object.keys(PANELS);
const EDITOR_TABS = new Set(["entry", "check", "queue"]); // keeping the network true (issue 18): editors only
const WIDE_TABS = ["suggestions", "match", "area", "changes", "entry", "check", "queue"]; // answers are tables and forms

// The tabs this tab's role can use; the others are not offered at all.
function tabsFor(me) {
  return TABS.filter((tab) => (EDITOR_TABS.has(tab) ? mayWrite(me) : tab !== "changes" || mayAsk(me)));
}

const app = {
  state: readState(),
  model: new GraphModel(),
  shown: { nodes: [], edges: [], ids: new Set() },
  modelKey: "",
  extra: {}, // what a view's loader found besides the model (paths, matches)
  areas: { municipalities: [], districts: [], neighbourhoods: [] },
  themes: [],
  views: {},
  graph: null,
  seq: 0,
  signedIn: null, // the first sign-in, under way (start)

  // Change the state; push makes a new history entry (another stakeholder, another view).
  async setState(patch, { push = false } = {}) {
    Object.assign(this.state, patch);
    writeState(this.state, { push });
    await this.refresh();
  },

  // Put a stakeholder in the middle of its ego network.
  centre(id) {
    return this.setState(
      { view: "ego", focus: id, sel: id, expand: [], hide: [], only: null, open: [], to: null, suggest: null, kinds: [], themes: [], wijk: [] },
      { push: true },
    );
  },

  async refresh({ force = false } = {}) {
    const view = this.views[this.state.view] ?? this.views.ego;
    const key = view.key(this.state);
    if (force || key !== this.modelKey) {
      const mine = ++this.seq;
      document.documentElement.dataset.graph = "loading";
      setBusy(true);
      try {
        // With a token the view is asked for while the sign-in is answered (one round trip less
        // before the first drawing); without one the public may not ask connection questions: say
        // so rather than send a request it is refused.
        const asked = key && token() ? view.load(this.state) : null;
        asked?.catch(() => {}); // its error is shown below, once the sign-in is known
        await this.signedIn;
        if (key && !mayAsk(this.me)) throw new ApiError(t("forbidden_public"), { code: "FORBIDDEN" });
        const { model, extra } = key ? await (asked ?? view.load(this.state)) : { model: new GraphModel(), extra: {} };
        for (const id of this.state.expand) if (model.nodes.has(id)) await expandInto(model, id);
        if (mine !== this.seq) return;
        performance.mark("graph-loaded");
        this.model = model;
        this.extra = extra ?? {};
        this.modelKey = key;
        showError(null);
        // The drawing, its legend and summary first; the tables and panels right after it is painted.
        this.graph.draw(model, this.drawing());
        this.render({ drawingOnly: true });
        this.graph.fit(); // in the room the legend and notes under it leave, before the first frame
        await this.graph.painted();
        if (mine !== this.seq) return;
        if (model.nodes.size) performance.mark("graph-drawn");
      } catch (error) {
        if (mine !== this.seq) return;
        showError(error);
        this.model = new GraphModel();
        this.extra = {};
        this.modelKey = "";
        this.graph.draw(this.model, this.drawing());
      } finally {
        if (mine === this.seq) setBusy(false);
      }
      this.render();
      document.documentElement.dataset.graph = this.model.nodes.size ? "drawn" : "empty";
    } else {
      await this.signedIn;
      this.render();
      if (!this.model.nodes.size) document.documentElement.dataset.graph = "empty";
    }
  },

  // What the drawing keeps one by one: the groups opened, the other end of a connection.
  drawing() {
    return { open: this.state.open, keep: [this.state.to].filter(Boolean) };
  },

  render({ drawingOnly = false } = {}) {
    const s = this.state;
    this.shown = visible(this.model, s);
    this.graph.setVisible(this.shown.ids);
    $("#truncated").hidden = !this.model.truncated;
    $("#graph-empty").hidden = this.model.nodes.size > 0;
    if (drawingOnly) {
      this.renderLegend();
      this.renderSummary();
      return;
    }
    renderMirror($("#mirror"), this.model, this.shown, { selected: s.sel, onSelect: (id, how) => this.select(id, how) });
    renderChips($("#chips"), chipValues(this.model, s), s, this.model.areaNames, (group, value) => this.toggleChip(group, value), () =>
      this.setState({ kinds: [], themes: [], wijk: [] }),
    );
    const active = s.kinds.length + s.themes.length + s.wijk.length;
    $("#filters-count").textContent = active ? `(${active})` : "";
    if (active) $("#filters").open = true;
    this.renderLegend();
    this.renderSummary();
    $("#depth-value").textContent = String(s.depth);
    const ego = this.model.mode === "ego" && s.view === "ego";
    $("#depth-less").disabled = !ego || s.depth <= 1;
    $("#depth-more").disabled = !ego || s.depth >= 3;
    for (const id of ["#act-fit", "#act-png", "#act-csv", "#act-reset"]) $(id).disabled = !this.model.nodes.size;
    if (s.sel && this.shown.ids.has(s.sel) && this.graph.groupOf(s.sel)) this.openGroup(this.graph.groupOf(s.sel), { quiet: true });
    this.graph.select(this.shown.ids.has(s.sel) ? s.sel : null);
    this.renderTabs();
    for (const panel of Object.values(PANELS)) panel.update?.(this);
  },

  renderLegend() {
    const lines = new Set(this.shown.edges.map((e) => e.cls).filter(Boolean));
    if (this.graph.groupsShown()) lines.add("group");
    renderLegend($("#legend"), new Set(this.shown.nodes.map((n) => n.kind)), lines);
  },

  // One sentence of counts that agrees with the tables: everyone in view, however many are folded.
  renderSummary() {
    const s = this.state;
    const centre = this.model.nodes.get(this.model.centre);
    const counts = { nodes: this.shown.nodes.length, edges: this.shown.edges.length };
    let text = !this.model.nodes.size
      ? ""
      : this.model.mode === "ego" && centre
        ? t("summary_ego", { name: centre.name, depth: s.depth, ...counts })
        : t("summary_view", counts);
    if (text && s.on && this.model.mode === "ego") text = `${t("summary_on", { date: dateLabel(s.on, s.lang) })} ${text}`;
    const groups = this.graph.groupsShown();
    if (text && groups) {
      const folded = this.shown.nodes.filter((n) => this.graph.groupOf(n.id)).length;
      text += " " + t("summary_groups", { folded, groups });
    }
    $("#view-summary").textContent = text;
    $("#groups-close").hidden = !this.state.open.length;
  },

  // Open a group of the drawing (its members one by one); the opened groups are part of the link.
  openGroup(key, { quiet = false } = {}) {
    if (!key || this.state.open.includes(key)) return;
    const group = this.graph.fold.groups.get(key);
    this.state.open = [...this.state.open, key];
    writeState(this.state);
    this.graph.regroup(this.drawing());
    this.renderLegend();
    this.renderSummary();
    if (!quiet && group) {
      announce(t("group_opened", { label: groupLabel(group.kind, group.members.length), name: this.model.nodes.get(group.parent)?.name ?? "" }));
    }
  },

  closeGroups() {
    this.state.open = [];
    writeState(this.state);
    this.graph.regroup(this.drawing());
    this.graph.select(this.shown.ids.has(this.state.sel) ? this.state.sel : null);
    this.renderLegend();
    this.renderSummary();
  },

  select(id, { from } = {}) {
    const group = id ? this.graph.groupOf(id) : null;
    if (group) this.openGroup(group, { quiet: true });
    this.state.sel = id ?? null;
    writeState(this.state);
    this.graph.select(this.shown.ids.has(id) ? id : null);
    // Only the rows that change (a depth-3 view lists 150).
    for (const row of document.querySelectorAll("#mirror tr.utrecht-table__row--selected, #mirror tr[aria-current]")) {
      if (row.dataset.id === id) continue;
      row.classList.remove("utrecht-table__row--selected");
      row.querySelector("button")?.setAttribute("aria-pressed", "false");
    }
    const row = id ? document.querySelector(`#mirror tr[data-id="${CSS.escape(id)}"]`) : null;
    if (row) {
      row.classList.add("utrecht-table__row--selected");
      row.querySelector("button")?.setAttribute("aria-pressed", "true");
    }
    const node = this.model.nodes.get(id);
    if (node && from !== "mirror") announce(`${node.name}, ${kindLabel(node.kind)}`);
    performance.mark("selected");
    // The details follow once the choice is painted: a click is answered first.
    requestAnimationFrame(() => setTimeout(() => detailsPanel.update(this)));
  },

  toggleChip(group, value) {
    const list = new Set(this.state[group]);
    if (list.has(value)) list.delete(value);
    else list.add(value);
    return this.setState({ [group]: [...list] });
  },

  showTab(tab, { focus = false } = {}) {
    this.state.tab = tabsFor(this.me).includes(tab) ? tab : "details";
    writeState(this.state);
    this.renderTabs();
    PANELS[this.state.tab].update?.(this);
    if (focus) document.getElementById(`tab-${this.state.tab}`).focus();
  },

  renderTabs() {
    const offered = tabsFor(this.me);
    const current = offered.includes(this.state.tab) ? this.state.tab : "details";
    for (const tab of TABS) {
      const button = document.getElementById(`tab-${tab}`);
      button.hidden = !offered.includes(tab);
      button.setAttribute("aria-selected", String(tab === current));
      button.tabIndex = tab === current ? 0 : -1;
      document.getElementById(`panel-${tab}`).hidden = tab !== current;
    }
    // Tabs whose answers are tables get the wider column (explorer.css).
    $(".ex-layout").dataset.work = WIDE_TABS.includes(current) ? "results" : "graph";
  },

  needSelection() {
    const id = this.state.sel;
    if (id && this.model.nodes.has(id)) return id;
    announce(t("nothing_selected"));
    return null;
  },
};

function setBusy(busy) {
  $("#cy").setAttribute("aria-busy", String(busy));
  if (busy) $("#view-summary").textContent = t("loading");
}

function showError(error) {
  const box = $("#error");
  box.hidden = !error;
  if (error?.reason) {
    box.textContent = t(`token_${error.reason}`); // expired, revoked or unknown: said plainly
    showWho();
    return;
  }
  if (error?.code === "FORBIDDEN" && app.me?.role === "PUBLIC") {
    box.textContent = t("forbidden_public");
    return;
  }
  box.textContent = error ? t("error", { message: error.message }) : "";
}

// Who the server takes this tab for (or why the token was refused), shown in the header.
async function signIn() {
  try {
    app.me = await whoAmI();
    app.tokenProblem = null;
  } catch (error) {
    app.me = null;
    app.tokenProblem = error.reason ?? null;
  }
  document.documentElement.dataset.role = app.me?.role ?? "NONE";
  showWho();
}

function showWho() {
  const box = $("#who");
  box.classList.toggle("ex-who--problem", Boolean(app.tokenProblem));
  if (app.tokenProblem) box.textContent = t(`token_${app.tokenProblem}`);
  else if (!app.me || app.me.role === "PUBLIC") box.textContent = t("who_public");
  else {
    const scope = app.me.municipalities ? app.me.municipalities.join(", ") : t("who_all");
    box.textContent = t("who", { role: t(`role_${app.me.role}`), scope, label: app.me.label });
  }
}

// The two views every page has: an ego network and the paths between two stakeholders.
app.views.ego = {
  key: (s) => (s.focus ? `ego|${s.focus}|${s.depth}|${s.on ?? ""}` : ""),
  load: async (s) => ({ model: await egoModel(s.focus, s.depth, [], s.on ?? null) }),
};
app.views.paths = {
  key: (s) => (s.focus && s.to ? `paths|${s.focus}|${s.to}|${s.hops}|${s.warm ?? ""}|${s.suggest ?? ""}` : ""),
  load: async (s) => {
    const { model, paths } = await pathsModel(s.focus, s.to, s.hops, s.warm === "1", s.suggest === "1");
    return { model, extra: { paths } };
  },
};

function wireToolbar() {
  $("#depth-less").addEventListener("click", () => app.setState({ depth: Math.max(1, app.state.depth - 1) }));
  $("#depth-more").addEventListener("click", () => app.setState({ depth: Math.min(3, app.state.depth + 1) }));
  $("#act-fit").addEventListener("click", () => app.graph.fit());
  $("#act-expand").addEventListener("click", () => expand());
  $("#act-hide").addEventListener("click", () => hide());
  $("#act-only").addEventListener("click", () => only());
  $("#act-reset").addEventListener("click", () => app.setState({ hide: [], only: null, kinds: [], themes: [], wijk: [] }));
  $("#groups-close").addEventListener("click", () => app.closeGroups());
  $("#act-png").addEventListener("click", () => exportPng(app.graph));
  $("#act-csv").addEventListener("click", () => exportCsv(app.model, app.shown));
}

async function expand() {
  const id = app.needSelection();
  if (!id) return;
  const added = await expandInto(app.model, id);
  if (!app.state.expand.includes(id)) app.state.expand.push(id);
  writeState(app.state);
  app.graph.draw(app.model, app.drawing());
  app.render();
  announce(t("summary_view", { nodes: app.shown.nodes.length, edges: app.shown.edges.length }) + ` (+${added})`);
}

function hide() {
  const id = app.needSelection();
  if (!id) return;
  app.setState({ hide: [...app.state.hide, id], sel: null, only: app.state.only === id ? null : app.state.only });
}

function only() {
  const id = app.needSelection();
  if (id) app.setState({ only: id });
}

// Keyboard on the drawing (only while it has focus): arrows choose, Enter centres, E/H/O/F act.
function wireGraphKeys() {
  $("#cy").addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const order = [...app.shown.nodes].sort((a, b) => (a.hops ?? 0) - (b.hops ?? 0) || a.name.localeCompare(b.name));
    const at = order.findIndex((n) => n.id === app.state.sel);
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    const actions = {
      ArrowRight: () => order.length && app.select(order[(at + 1) % order.length].id),
      ArrowDown: () => order.length && app.select(order[(at + 1) % order.length].id),
      ArrowLeft: () => order.length && app.select(order[(at - 1 + order.length) % order.length].id),
      ArrowUp: () => order.length && app.select(order[(at - 1 + order.length) % order.length].id),
      Enter: () => app.state.sel && app.centre(app.state.sel),
      Escape: () => app.select(null),
      e: expand,
      h: hide,
      o: only,
      f: () => app.graph.fit(),
      "+": () => $("#depth-more").click(),
      "-": () => $("#depth-less").click(),
    };
    if (actions[key]) {
      e.preventDefault();
      actions[key]();
    }
  });
}

function wireTabs() {
  for (const button of document.querySelectorAll('[role="tab"]')) {
    button.addEventListener("click", () => app.showTab(button.dataset.tab));
    button.addEventListener("keydown", (e) => {
      const tabs = tabsFor(app.me);
      const i = tabs.indexOf(button.dataset.tab);
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
      if (next === undefined) return;
      e.preventDefault();
      app.showTab(tabs[(next + tabs.length) % tabs.length], { focus: true });
    });
  }
}

function wireHeader() {
  $("#lang-switch").addEventListener("click", () => {
    app.state.lang = app.state.lang === "en" ? "nl" : "en";
    writeState(app.state);
    applyLang();
    showWho();
    app.graph.relabel();
    // Reasons the server words (a match's parts) come again in the new language.
    if (app.state.view === "match") app.refresh({ force: true });
    else app.render();
  });
  $("#token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    setToken($("#token-input").value.trim());
    $("#token-input").value = "";
    announce(t("token_saved"));
    signIn().then(() => app.refresh({ force: true }));
  });
  $("#token-clear").addEventListener("click", () => {
    setToken("");
    announce(t("token_cleared"));
    signIn().then(() => app.refresh({ force: true }));
  });
}

function applyLang() {
  setLang(app.state.lang);
  const other = app.state.lang === "en" ? "nl" : "en";
  $("#lang-switch").lang = other;
  $("#register-link").href = app.state.lang === "en" ? "/aanmelden?lang=en" : "/aanmelden";
  translate();
}

async function start() {
  window.explorer = app; // for the browser tests and the benchmark
  applyLang();
  app.graph = new GraphView($("#cy"), { onSelect: (id) => app.select(id), onOpen: (key) => app.openGroup(key) });
  wireToolbar();
  wireGraphKeys();
  wireTabs();
  wireHeader();
  combobox($("#search-input"), $("#search-list"), { onPick: (item) => app.centre(item.id), status: $("#search-status") });
  app.signedIn = signIn(); // the first view waits for it (refresh)
  // The first drawing does not wait for the capabilities (one round trip less before it); themes
  // and areas (for the panels' forms) come after it.
  const capabilities = loadCapabilities().catch((error) => showError(error));
  await app.refresh();
  await capabilities;
  try {
    const [themes, municipalities, districts, neighbourhoods, working] = await Promise.all([
      gql(`query Themes { themes { key labelNl labelEn } }`).then((d) => d.themes),
      areasOf("MUNICIPALITY"),
      areasOf("DISTRICT"),
      areasOf("NEIGHBOURHOOD"),
      areasOf("WORKING_AREA"),
    ]);
    app.themes = themes;
    setThemes(themes);
    app.areas = { municipalities, districts: [...districts, ...working], neighbourhoods };
  } catch (error) {
    showError(error);
  }
  for (const panel of Object.values(PANELS)) panel.init?.(app);
  await app.refresh(); // views the panels add (a match, a group, a place) load now
  window.addEventListener("popstate", () => {
    const lang = app.state.lang;
    app.state = readState();
    if (app.state.lang !== lang) applyLang();
    app.refresh();
  });
}

start();
