// The drawing: Cytoscape.js with fixed layouts (a radial tree for an ego network, breadthfirst for
// paths), so positions are stable and nothing keeps moving. Leaves are folded into groups that open
// on click; names and relation kinds stay the same size on screen whatever the zoom, and only the
// stakeholders that matter are named until one points at or chooses another (see drawing.js).
import cytoscape from "../vendor/cytoscape/cytoscape.esm.min.mjs";
import { drawnGraph, foldGroups, labelledIds, pinnedIds, radialPositions } from "./drawing.js";
import { groupLabel, relationLabel } from "./i18n.js";
import { KIND_STYLE } from "./kinds.js";

const MAX_FIT_ZOOM = 1.4; // a few nodes stay at a readable size instead of filling the screen
const PADDING = 40;

// Sizes on screen (px); the stylesheet turns them into model units for the current zoom.
const SCREEN = { node: 18, centre: 30, end: 26, group: 28, font: 13, centreFont: 14, edgeFont: 12, wrap: 180 };

function styleFor(zoom) {
  const f = 1 / Math.min(1, Math.max(0.3, zoom)); // model units per screen px (never smaller than 1)
  const px = (v) => v * f;
  return [
    {
      selector: "node",
      style: {
        label: "",
        "font-size": px(SCREEN.font),
        "font-family": "system-ui, sans-serif",
        color: "#1b1b1b",
        "text-valign": "bottom",
        "text-margin-y": px(3),
        "text-wrap": "wrap",
        "text-max-width": px(SCREEN.wrap),
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.9,
        "text-background-padding": px(1.5),
        "text-background-shape": "roundrectangle",
        width: px(SCREEN.node),
        height: px(SCREEN.node),
        "border-width": px(1),
        "border-color": "#ffffff",
      },
    },
    ...Object.entries(KIND_STYLE).map(([kind, s]) => ({
      selector: `node[kind = "${kind}"]`,
      style: { "background-color": s.color, shape: s.shape },
    })),
    { selector: "node.labelled, node.named", style: { label: "data(label)", "z-index": 10 } },
    // On a ring, a name points away from the middle.
    { selector: "node.side-right", style: { "text-halign": "right", "text-valign": "center", "text-margin-x": px(4), "text-margin-y": 0, "text-justification": "left" } },
    { selector: "node.side-left", style: { "text-halign": "left", "text-valign": "center", "text-margin-x": px(-4), "text-margin-y": 0, "text-justification": "right" } },
    { selector: "node.side-top", style: { "text-valign": "top", "text-margin-y": px(-3) } },
    { selector: "node.named", style: { "z-index": 20 } },
    {
      selector: "node.group",
      style: {
        label: "data(label)",
        width: px(SCREEN.group),
        height: px(SCREEN.group),
        "border-width": px(3),
        "border-style": "double",
        "border-color": "#1b1b1b",
        "font-weight": "bold",
      },
    },
    {
      selector: "node.centre",
      style: { width: px(SCREEN.centre), height: px(SCREEN.centre), "border-width": px(4), "border-color": "#1b1b1b", "font-weight": "bold", "font-size": px(SCREEN.centreFont) },
    },
    { selector: "node.end", style: { width: px(SCREEN.end), height: px(SCREEN.end), "border-width": px(4), "border-color": "#1b1b1b", "font-weight": "bold" } },
    { selector: "node.draft", style: { "border-style": "dashed", "border-width": px(3), "border-color": "#1b1b1b" } },
    { selector: "node:selected", style: { "border-width": px(4), "border-color": "#e17000", "overlay-opacity": 0, "z-index": 30 } },
    {
      selector: "edge",
      style: {
        width: px(1.25),
        "line-color": "#9a9a9a",
        "curve-style": "straight",
        label: "",
        "font-size": px(SCREEN.edgeFont),
        color: "#1b1b1b",
        "text-rotation": "autorotate",
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.95,
        "text-background-padding": px(1.5),
        "target-arrow-shape": "none",
      },
    },
    { selector: "edge.named", style: { label: "data(label)", width: px(2.5), "line-color": "#4a4a4a", "z-index": 20 } },
    { selector: 'edge[kind = "GROUP"]', style: { "line-style": "dashed", "line-color": "#b0b0b0", label: "" } },
    { selector: 'edge[kind = "GROUP"].named', style: { "line-color": "#4a4a4a", label: "" } },
    { selector: "edge.path", style: { width: px(4), "line-color": "#1b1b1b", color: "#1b1b1b" } },
    { selector: "edge.suggested", style: { width: px(3), "line-style": "dashed", "line-color": "#e17000", color: "#8a3d00" } },
    { selector: "edge.intro", style: { width: px(2.5), "line-color": "#1b1b1b" } },
    { selector: ".faded", style: { opacity: 0.15 } },
    { selector: ".gone", style: { display: "none" } },
  ];
}

export class GraphView {
  constructor(container, { onSelect, onOpen }) {
    this.container = container;
    this.onSelect = onSelect;
    this.onOpen = onOpen;
    this.selected = null;
    this.hovered = null;
    this.model = null;
    this.fold = { groups: new Map(), folded: new Map() };
    this.visibleIds = null;
    this.zoomShown = 1;
    this.cy = cytoscape({
      container,
      style: styleFor(1),
      minZoom: 0.1,
      maxZoom: 4,
      boxSelectionEnabled: false,
      selectionType: "single",
      autoungrabify: true, // positions are fixed: nothing to drag, and a click does not start a drag
    });
    this.cy.on("tap", "node", (e) => {
      const group = e.target.data("group");
      if (group) this.onOpen(group);
      else this.onSelect(e.target.id());
    });
    this.cy.on("tap", (e) => {
      if (e.target === this.cy) this.onSelect(null);
    });
    this.cy.on("mouseover", "node", (e) => {
      this.hovered = e.target.id();
      this.focusOn(this.hovered);
    });
    this.cy.on("mouseout", "node", () => {
      this.hovered = null;
      this.focusOn(this.selected);
    });
    // The drawing takes the room its column leaves (filters opened, a window resized).
    let size = "";
    new ResizeObserver(() => {
      const now = `${container.clientWidth}x${container.clientHeight}`;
      if (now === size) return;
      size = now;
      this.cy.resize();
      if (this.model) this.fit();
    }).observe(container);
    let pending = false;
    this.cy.on("zoom", () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        this.restyle();
      });
    });
  }

  // Keep names and lines the same size on screen: restyle when the zoom changed by more than 10 %.
  restyle(force = false, zoom = this.cy.zoom()) {
    const z = Math.min(1, Math.max(0.3, zoom));
    if (!force && Math.abs(z - this.zoomShown) / this.zoomShown < 0.1) return;
    this.zoomShown = z;
    this.cy.style(styleFor(z));
  }

  // Replace the drawing with a model, laid out and fitted (painted with the next frame: painted()).
  draw(model, { open = [], keep = [] } = {}) {
    this.model = model;
    this.visibleIds = null;
    this.selected = null;
    this.build(open, keep);
    this.fit();
  }

  // Resolves once what is drawn now is on the screen.
  painted() {
    return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  }

  // Fold again with another set of opened groups (same model): a new layout, the view refitted.
  regroup({ open = [], keep = [] } = {}) {
    if (!this.model) return;
    const selected = this.selected;
    this.build(open, keep);
    if (this.visibleIds) this.setVisible(this.visibleIds);
    this.fit();
    this.select(selected);
  }

  // Only what is drawn goes into Cytoscape (a folded stakeholder and its relations do not): at
  // depth 2 and 3 that is a fraction of the elements, and the first drawing is quicker for it.
  build(open, keep) {
    const cy = this.cy;
    this.hovered = null; // the elements are new: nothing is pointed at
    const model = this.model;
    const pinned = pinnedIds(model, keep);
    this.fold = foldGroups(model, { open, keep: pinned });
    const drawn = drawnGraph(model, this.fold);
    const labelled = labelledIds(drawn.nodes, drawn.edges, pinned);
    const positions = model.mode === "ego" ? radialPositions(drawn.nodes, drawn.edges, model.centre) : null;
    const viewport = positions ? this.viewportFor(positions.values()) : null;
    if (viewport) this.restyle(false, viewport.zoom); // once, before the elements are styled
    const order = (a, b) => (a.hops ?? 0) - (b.hops ?? 0) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name);
    const nodes = [...model.nodes.values()].filter((n) => !this.fold.folded.has(n.id)).sort(order);
    const side = (id) => (positions?.get(id)?.side ? `side-${positions.get(id).side}` : "");
    cy.batch(() => {
      cy.elements().remove();
      cy.add(
        nodes.map((n) => ({
          group: "nodes",
          data: { id: n.id, label: n.name, kind: n.kind, hops: n.hops ?? 0 },
          classes: [n.id === model.centre ? "centre" : "", n.role ?? "", labelled.has(n.id) ? "labelled" : "", side(n.id)].join(" ").trim(),
          position: positions?.get(n.id) ?? { x: 0, y: 0 },
        })),
      );
      cy.add(
        [...this.fold.groups.values()].map((g) => ({
          group: "nodes",
          data: { id: `group:${g.key}`, group: g.key, kind: g.kind, hops: g.hops, size: g.members.length, label: groupLabel(g.kind, g.members.length) },
          classes: `group ${side(`group:${g.key}`)}`.trim(),
          position: positions?.get(`group:${g.key}`) ?? { x: 0, y: 0 },
        })),
      );
      cy.add(
        drawn.edges.map((e) =>
          e.kind === "GROUP"
            ? { group: "edges", data: { id: e.id, source: e.source, target: e.target, kind: "GROUP", label: "" } }
            : { group: "edges", data: { id: `e:${e.id}`, source: e.source, target: e.target, kind: e.kind, label: relationLabel(e.kind) }, classes: e.cls ?? "" },
        ),
      );
    });
    if (!positions) this.runLayout(model);
  }

  // The viewport that fits these positions ({x, y}) with room for the names around them, worked out
  // from the positions alone: Cytoscape's fit measures every element's box, which styles every
  // element before the first frame does it again (at depth 2, a few hundred ms more before the
  // drawing shows on a busy machine).
  viewportFor(positions) {
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const p of positions) [x0, y0, x1, y1] = [Math.min(x0, p.x), Math.min(y0, p.y), Math.max(x1, p.x), Math.max(y1, p.y)];
    if (x0 > x1) return null; // nothing to fit
    const w = Math.max(1, x1 - x0 + 2 * SCREEN.wrap);
    const h = Math.max(1, y1 - y0 + 4 * SCREEN.font);
    const fits = Math.min(MAX_FIT_ZOOM, (this.cy.width() - 2 * PADDING) / w, (this.cy.height() - 2 * PADDING) / h);
    if (!Number.isFinite(fits) || fits <= 0) return null;
    const zoom = Math.max(this.cy.minZoom(), fits);
    const pan = { x: this.cy.width() / 2 - ((x0 + x1) / 2) * zoom, y: this.cy.height() / 2 - ((y0 + y1) / 2) * zoom };
    return { zoom, pan };
  }

  runLayout(model) {
    const eles = this.cy.elements();
    const options =
      model.mode === "paths" || model.mode === "match"
        ? { name: "breadthfirst", roots: model.centre ? [model.centre] : undefined, directed: false, spacingFactor: 1.3, circle: false }
        : { name: "concentric", concentric: (n) => n.degree(), levelWidth: () => 3, minNodeSpacing: 24 };
    eles.layout({ ...options, animate: false, fit: false }).run();
  }

  // Show only these node ids (and relations between them); positions stay. A group shows how many
  // of its members are visible, and goes when none is.
  setVisible(ids) {
    this.visibleIds = ids;
    this.cy.batch(() => {
      for (const n of this.cy.nodes()) {
        const key = n.data("group");
        if (!key) {
          n.toggleClass("gone", !ids.has(n.id()));
          continue;
        }
        const shown = this.fold.groups.get(key)?.members.filter((id) => ids.has(id)).length ?? 0;
        n.toggleClass("gone", shown === 0 || !ids.has(this.fold.groups.get(key).parent));
        if (shown !== n.data("shown")) {
          n.data("shown", shown);
          n.data("label", groupLabel(n.data("kind"), shown));
        }
      }
    });
  }

  // The group key a stakeholder is folded into, if it is.
  groupOf(id) {
    return this.fold.folded.get(id) ?? null;
  }

  groupsShown() {
    return this.cy.nodes(".group").not(".gone").length;
  }

  relabel() {
    this.cy.batch(() => {
      for (const e of this.cy.edges()) if (e.data("kind") !== "GROUP") e.data("label", relationLabel(e.data("kind")));
      for (const n of this.cy.nodes(".group")) n.data("label", groupLabel(n.data("kind"), n.data("shown") ?? n.data("size")));
    });
  }

  select(id) {
    this.cy.nodes(":selected").unselect();
    this.selected = id && this.cy.getElementById(id).nonempty() && !this.groupOf(id) ? id : null;
    if (this.selected) this.cy.getElementById(this.selected).select();
    this.focusOn(this.hovered ?? this.selected);
  }

  // Fade everything but the node and its neighbours, and name them and their relations (none:
  // nothing faded, only the usual names).
  // Only the elements whose state changes are touched: restyling every element of a depth-3 view
  // on each click would take longer than a click may.
  focusOn(id) {
    const cy = this.cy;
    const node = id ? cy.getElementById(id) : null;
    const around = node && node.nonempty() ? node.closedNeighborhood() : cy.collection();
    const faded = around.empty() ? cy.collection() : cy.elements().difference(around);
    const wasFaded = cy.elements(".faded");
    const wasNamed = cy.elements(".named");
    cy.batch(() => {
      wasFaded.difference(faded).removeClass("faded");
      faded.difference(wasFaded).addClass("faded");
      wasNamed.difference(around).removeClass("named");
      around.difference(wasNamed).addClass("named");
    });
  }

  // An ego network (laid out here, its names placed beside their nodes) is fitted from its
  // positions; the other views, laid out by Cytoscape, by Cytoscape.
  fit() {
    this.cy.resize(); // the size of the container now, not the one Cytoscape last read
    const shown = this.cy.elements().not(".gone");
    const viewport = this.model?.mode === "ego" ? this.viewportFor(shown.nodes().map((n) => n.position())) : null;
    if (viewport) this.cy.viewport(viewport);
    else {
      this.cy.fit(shown.length ? shown : undefined, PADDING);
      if (this.cy.zoom() > MAX_FIT_ZOOM) {
        this.cy.zoom(MAX_FIT_ZOOM);
        this.cy.center(shown);
      }
    }
    this.restyle();
  }

  // The rendered position of a node (for tests and tools): page coordinates of its centre.
  pagePosition(id) {
    const node = this.cy.getElementById(id);
    if (node.empty()) return null;
    const box = this.container.getBoundingClientRect();
    const p = node.renderedPosition();
    return { x: box.left + window.scrollX + p.x, y: box.top + window.scrollY + p.y };
  }

  png(scale = 2) {
    return this.cy.png({ output: "blob-promise", full: true, scale, bg: "#ffffff" });
  }

  lineClassesShown() {
    const shown = this.cy.edges().filter((e) => e.visible());
    const out = new Set(shown.map((e) => e.classes()).flat());
    if (this.cy.nodes(".group").some((n) => n.visible())) out.add("group");
    return out;
  }

  kindsShown() {
    return new Set(this.cy.nodes().filter((n) => n.visible()).map((n) => n.data("kind")));
  }
}
