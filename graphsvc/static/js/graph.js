// The drawing: Cytoscape.js with fixed layouts (concentric for an ego network, breadthfirst for
// paths), so positions are stable and nothing keeps moving.
import cytoscape from "../vendor/cytoscape/cytoscape.esm.min.mjs";
import { relationLabel } from "./i18n.js";
import { KIND_STYLE } from "./kinds.js";

const MAX_FIT_ZOOM = 1.4; // a few nodes stay at a readable size instead of filling the screen

const STYLE = [
  {
    selector: "node",
    style: {
      label: "data(label)",
      "font-size": 10,
      "font-family": "system-ui, sans-serif",
      color: "#1b1b1b",
      "text-valign": "bottom",
      "text-margin-y": 3,
      "text-wrap": "ellipsis",
      "text-max-width": 110,
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.85,
      "text-background-padding": 1,
      "min-zoomed-font-size": 7,
      width: 22,
      height: 22,
      "border-width": 1,
      "border-color": "#ffffff",
    },
  },
  ...Object.entries(KIND_STYLE).map(([kind, s]) => ({
    selector: `node[kind = "${kind}"]`,
    style: { "background-color": s.color, shape: s.shape },
  })),
  { selector: "node.centre", style: { width: 36, height: 36, "border-width": 4, "border-color": "#1b1b1b", "font-weight": "bold", "font-size": 12 } },
  { selector: "node.end", style: { width: 32, height: 32, "border-width": 4, "border-color": "#1b1b1b", "font-weight": "bold" } },
  { selector: "node.draft", style: { "border-style": "dashed", "border-width": 3, "border-color": "#1b1b1b" } },
  { selector: "node:selected", style: { "border-width": 4, "border-color": "#e17000", "overlay-opacity": 0 } },
  {
    selector: "edge",
    style: {
      width: 1.5,
      "line-color": "#8a8a8a",
      "curve-style": "bezier",
      label: "data(label)",
      "font-size": 8,
      color: "#3b3b3b",
      "text-rotation": "autorotate",
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.85,
      "min-zoomed-font-size": 7,
      "target-arrow-shape": "none",
    },
  },
  { selector: "edge.path", style: { width: 4, "line-color": "#1b1b1b", color: "#1b1b1b" } },
  { selector: "edge.suggested", style: { width: 3, "line-style": "dashed", "line-color": "#e17000", color: "#8a3d00" } },
  { selector: "edge.intro", style: { width: 2.5, "line-color": "#1b1b1b" } },
  { selector: ".faded", style: { opacity: 0.12 } },
  { selector: ".gone", style: { display: "none" } },
];

export class GraphView {
  constructor(container, { onSelect }) {
    this.container = container;
    this.onSelect = onSelect;
    this.selected = null;
    this.cy = cytoscape({
      container,
      style: STYLE,
      minZoom: 0.1,
      maxZoom: 4,
      boxSelectionEnabled: false,
      selectionType: "single",
    });
    this.cy.on("tap", "node", (e) => this.onSelect(e.target.id()));
    this.cy.on("tap", (e) => {
      if (e.target === this.cy) this.onSelect(null);
    });
    this.cy.on("mouseover", "node", (e) => this.focusOn(e.target.id()));
    this.cy.on("mouseout", "node", () => this.focusOn(this.selected));
  }

  // Replace the drawing with a model; resolves once the graph is laid out and painted.
  async draw(model) {
    const cy = this.cy;
    const nodes = [...model.nodes.values()].sort(
      (a, b) => (a.hops ?? 0) - (b.hops ?? 0) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name),
    );
    cy.batch(() => {
      cy.elements().remove();
      cy.add(
        nodes.map((n) => ({
          group: "nodes",
          data: { id: n.id, label: n.name, kind: n.kind, hops: n.hops ?? 0 },
          classes: [n.id === model.centre ? "centre" : "", n.role ?? ""].join(" ").trim(),
        })),
      );
      cy.add(
        [...model.edges.values()].map((e) => ({
          group: "edges",
          data: { id: `e:${e.id}`, source: e.source, target: e.target, kind: e.kind, label: relationLabel(e.kind) },
          classes: e.cls ?? "",
        })),
      );
    });
    this.layout(model);
    this.selected = null;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  }

  layout(model) {
    const eles = this.cy.elements();
    const options =
      model.mode === "ego"
        ? {
            name: "concentric",
            concentric: (n) => 10 - n.data("hops"),
            levelWidth: () => 1,
            minNodeSpacing: 18,
            spacingFactor: 1.1,
            startAngle: (3 / 2) * Math.PI,
          }
        : model.mode === "paths" || model.mode === "match"
          ? { name: "breadthfirst", roots: model.centre ? [model.centre] : undefined, directed: false, spacingFactor: 1.2, circle: false }
          : { name: "concentric", concentric: (n) => n.degree(), levelWidth: () => 3, minNodeSpacing: 18 };
    eles.layout({ ...options, animate: false, fit: true, padding: 30 }).run();
    if (this.cy.zoom() > MAX_FIT_ZOOM) {
      this.cy.zoom(MAX_FIT_ZOOM);
      this.cy.center();
    }
  }

  // Show only these node ids (and relations between them); positions stay.
  setVisible(ids) {
    this.cy.batch(() => {
      for (const n of this.cy.nodes()) n.toggleClass("gone", !ids.has(n.id()));
    });
  }

  relabel() {
    this.cy.batch(() => {
      for (const e of this.cy.edges()) e.data("label", relationLabel(e.data("kind")));
    });
  }

  select(id) {
    this.cy.nodes(":selected").unselect();
    this.selected = id && this.cy.getElementById(id).nonempty() ? id : null;
    if (this.selected) this.cy.getElementById(this.selected).select();
    this.focusOn(this.selected);
  }

  // Fade everything but the node and its neighbours (none: nothing faded).
  focusOn(id) {
    const cy = this.cy;
    cy.batch(() => {
      cy.elements().removeClass("faded");
      if (!id) return;
      const node = cy.getElementById(id);
      if (node.empty()) return;
      cy.elements().difference(node.closedNeighborhood()).addClass("faded");
    });
  }

  fit() {
    const shown = this.cy.elements().not(".gone");
    this.cy.fit(shown.length ? shown : undefined, 30);
    if (this.cy.zoom() > MAX_FIT_ZOOM) {
      this.cy.zoom(MAX_FIT_ZOOM);
      this.cy.center(shown);
    }
  }

  png(scale = 2) {
    return this.cy.png({ output: "blob-promise", full: true, scale, bg: "#ffffff" });
  }

  lineClassesShown() {
    const shown = this.cy.edges().filter((e) => !e.source().hasClass("gone") && !e.target().hasClass("gone"));
    return new Set(shown.map((e) => e.classes()).flat());
  }

  kindsShown() {
    return new Set(this.cy.nodes().not(".gone").map((n) => n.data("kind")));
  }
}

