// The graph a view shows: nodes and relations from the API, and what the filters leave visible.
export class GraphModel {
  constructor({ mode = "ego", centre = null, truncated = false } = {}) {
    this.mode = mode;
    this.centre = centre;
    this.truncated = truncated;
    this.nodes = new Map();
    this.edges = new Map();
    this.areaNames = new Map();
  }

  addNode(api, extra = {}) {
    const existing = this.nodes.get(api.id);
    if (existing) {
      if (extra.hops !== undefined && (existing.hops === undefined || extra.hops < existing.hops)) existing.hops = extra.hops;
      if (extra.role) existing.role = existing.role ?? extra.role;
      return existing;
    }
    const node = { ...toNode(api, this.areaNames), ...extra };
    this.nodes.set(node.id, node);
    return node;
  }

  addEdge(edge) {
    if (!this.nodes.has(edge.source) || !this.nodes.has(edge.target) || edge.source === edge.target) return;
    const existing = this.edges.get(edge.id);
    if (existing) {
      if (edge.cls) existing.cls = edge.cls;
      return;
    }
    this.edges.set(edge.id, { ...edge });
  }

  neighbours(id) {
    const out = new Set();
    for (const e of this.edges.values()) {
      if (e.source === id) out.add(e.target);
      if (e.target === id) out.add(e.source);
    }
    return out;
  }
}

export function kindOf(api) {
  if (api.kind) return api.kind;
  return api.__typename === "Meeting" ? "MEETING" : (api.__typename ?? "").toUpperCase();
}

// Node fields the page uses: its districts (wijken) come from its areas (a buurt's parent wijk).
export function toNode(api, areaNames = new Map()) {
  const wijken = new Set();
  for (const area of api.areas ?? []) {
    areaNames.set(area.code, area.name);
    if (area.level === "DISTRICT" || area.level === "WORKING_AREA") wijken.add(area.code);
    else if (area.level === "NEIGHBOURHOOD" && area.parent) {
      wijken.add(area.parent.code);
      areaNames.set(area.parent.code, area.parent.name);
    }
  }
  return {
    id: api.id,
    name: api.name ?? api.id,
    kind: kindOf(api),
    themes: (api.themes ?? []).map((th) => th.key ?? th),
    areas: (api.areas ?? []).map((a) => a.code),
    wijken: [...wijken],
  };
}

// Which nodes and relations the state leaves visible: hidden ones out, "only this", then the chips.
export function visible(model, state) {
  const hidden = new Set(state.hide);
  let ids = [...model.nodes.keys()].filter((id) => !hidden.has(id));
  if (state.only && model.nodes.has(state.only)) {
    const keep = model.neighbours(state.only);
    keep.add(state.only);
    ids = ids.filter((id) => keep.has(id));
  }
  const kinds = new Set(state.kinds);
  const themes = new Set(state.themes);
  const wijken = new Set(state.wijk);
  const pinned = new Set([model.centre, state.only, state.to].filter(Boolean));
  ids = ids.filter((id) => {
    if (pinned.has(id)) return true;
    const n = model.nodes.get(id);
    if (kinds.size && !kinds.has(n.kind)) return false;
    if (themes.size && !n.themes.some((x) => themes.has(x))) return false;
    if (wijken.size && !n.wijken.some((x) => wijken.has(x))) return false;
    return true;
  });
  const nodeSet = new Set(ids);
  const edges = [...model.edges.values()].filter((e) => nodeSet.has(e.source) && nodeSet.has(e.target));
  return { nodes: ids.map((id) => model.nodes.get(id)), edges, ids: nodeSet };
}

// The values each chip group can take in this model (without hidden nodes), with counts.
export function chipValues(model, state) {
  const hidden = new Set(state.hide);
  const count = (pick) => {
    const counts = new Map();
    for (const n of model.nodes.values()) {
      if (hidden.has(n.id)) continue;
      for (const v of pick(n)) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    return counts;
  };
  return {
    kinds: count((n) => [n.kind]),
    themes: count((n) => n.themes),
    wijk: count((n) => n.wijken),
  };
}
