// What the drawing makes of a model so that a person can read it at depth 2 and 3:
// - leaves (stakeholders tied to one other only) of one kind on one stakeholder are folded into
//   one group node ("42 inwoners") that opens on click;
// - an ego network is laid out as a radial tree: each ring's stakeholders sit near the one that
//   brought them in, and the first ring depends on the first ring only, so it stays put when the
//   depth changes;
// - only the stakeholders that matter carry a name (the middle, the ends of a path, partners,
//   the best connected, groups); the others show theirs when pointed at or chosen.
// Pure functions: no Cytoscape, no DOM (tests and the PNG export use them as they are).
import { KIND_ORDER } from "./kinds.js";

export const MIN_GROUP = 5; // fewer leaves than this stay one by one
export const MIN_OUTER = 3; // two or more rings out, fewer than this of a kind stay one by one
export const RING = 190; // model px between two rings
export const SPACING = 48; // model px between two neighbours on a ring
const FIRST_SPACING = 64; // the first ring, whose names are shown most
const LABELLED = 14; // stakeholders named besides the ones that always are
const ALL_LABELS_UP_TO = 30; // a small drawing names everyone

const kindRank = (kind) => {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
};
export const byKindThenName = (a, b) => kindRank(a.kind) - kindRank(b.kind) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

export function adjacency(nodeIds, edges) {
  const adj = new Map([...nodeIds].map((id) => [id, new Set()]));
  for (const e of edges) {
    if (!adj.has(e.source) || !adj.has(e.target)) continue;
    adj.get(e.source).add(e.target);
    adj.get(e.target).add(e.source);
  }
  return adj;
}

// Ids that must stay one by one: the middle, the other end, path and match ends, the chosen one.
export function pinnedIds(model, extra = []) {
  const keep = new Set([model.centre, ...extra].filter(Boolean));
  for (const n of model.nodes.values()) if (n.role) keep.add(n.id);
  for (const e of model.edges.values()) {
    if (e.cls) {
      keep.add(e.source);
      keep.add(e.target);
    }
  }
  return keep;
}

// The stakeholder one ring further in that brought a node into an ego network (the first by kind
// and name among its neighbours one ring in); null for the centre and outside ego networks.
export function treeParents(model, adj) {
  const parents = new Map();
  if (model.mode !== "ego") return parents;
  for (const node of model.nodes.values()) {
    const hops = node.hops ?? 0;
    if (!hops) continue;
    let best = null;
    for (const other of adj.get(node.id)) {
      const o = model.nodes.get(other);
      if ((o.hops ?? 0) !== hops - 1) continue;
      if (best === null || byKindThenName(o, best) < 0) best = o;
    }
    if (best) parents.set(node.id, best.id);
  }
  return parents;
}

// Groups: key "parent|KIND" -> {key, parent, kind, members (ids, by kind and name), hops}.
// Folded are, per stakeholder they hang on and per kind: leaves (tied to that one only), and in an
// ego network everyone two or more rings out (their other ties become lines of the group).
// open: the keys a person opened (they stay one by one); keep: ids never folded.
export function foldGroups(model, { open = [], keep = new Set() } = {}) {
  const adj = adjacency(model.nodes.keys(), model.edges.values());
  const parents = treeParents(model, adj);
  const candidates = new Map();
  const ego = model.mode === "ego";
  for (const node of model.nodes.values()) {
    if (keep.has(node.id)) continue;
    const hops = node.hops ?? 0;
    let ties = adj.get(node.id);
    // The first ring is folded the same at every depth: by its ties to the middle and itself only.
    if (ego && hops === 1) ties = new Set([...ties].filter((o) => (model.nodes.get(o).hops ?? 0) <= 1));
    let parent = null;
    if (ego && hops >= 2) parent = parents.get(node.id) ?? null;
    else if (ties.size === 1) {
      [parent] = ties;
      if (adj.get(parent).size === 1) continue; // a pair on its own: nothing to fold into
    }
    if (parent === null) continue;
    const key = `${parent}|${node.kind}`;
    if (!candidates.has(key)) candidates.set(key, { key, parent, kind: node.kind, members: [], hops: node.hops ?? 0 });
    const group = candidates.get(key);
    group.members.push(node.id);
    group.hops = Math.min(group.hops, node.hops ?? 0);
  }
  const opened = new Set(open);
  const groups = new Map();
  const folded = new Map(); // member id -> group key
  for (const [key, group] of candidates) {
    if (group.members.length < (group.hops >= 2 ? MIN_OUTER : MIN_GROUP) || opened.has(key)) continue;
    group.members.sort((a, b) => byKindThenName(model.nodes.get(a), model.nodes.get(b)));
    groups.set(key, group);
    for (const id of group.members) folded.set(id, key);
  }
  return { groups, folded };
}

// The drawn graph: real nodes not folded, plus one node per group (id "group:<key>") with one line
// to the stakeholder it hangs on. The other ties of its members are drawn once it is opened (the
// tables list them all along): a drawing with every line of a depth-3 view is a ring of dots.
export function drawnGraph(model, fold) {
  const rep = (id) => (fold.folded.has(id) ? `group:${fold.folded.get(id)}` : id);
  const nodes = [];
  for (const n of model.nodes.values()) if (!fold.folded.has(n.id)) nodes.push({ id: n.id, kind: n.kind, name: n.name, hops: n.hops ?? 0 });
  const groupEdges = [];
  for (const g of fold.groups.values()) {
    const id = `group:${g.key}`;
    nodes.push({ id, kind: g.kind, name: "", hops: g.hops, group: g.key, parent: g.parent, size: g.members.length });
    groupEdges.push({ id: `group-edge:${g.key}`, source: rep(g.parent), target: id, kind: "GROUP" });
  }
  const edges = [...model.edges.values()].filter((e) => !fold.folded.has(e.source) && !fold.folded.has(e.target));
  return { nodes, edges: [...edges, ...groupEdges], groupEdges };
}

// A radial tree: the centre in the middle; the first ring evenly, by kind then name (so it depends
// on the first ring only); every further node near its parent (its neighbour one ring in), the
// overlaps pushed apart along the ring. Returns id -> {x, y}.
export function radialPositions(nodes, edges, centre) {
  const pos = new Map();
  const adj = adjacency(nodes.map((n) => n.id), edges);
  const rings = new Map();
  for (const n of nodes) {
    const ring = n.id === centre ? 0 : Math.max(1, n.hops ?? 1);
    if (!rings.has(ring)) rings.set(ring, []);
    rings.get(ring).push(n);
  }
  const angle = new Map();
  const order = new Map(); // id -> index on its ring, for choosing parents
  let radius = 0;
  for (const ring of [...rings.keys()].sort((a, b) => a - b)) {
    const list = rings.get(ring);
    if (ring === 0) {
      list.sort(byKindThenName).forEach((n, i) => {
        pos.set(n.id, { x: i * SPACING, y: 0, side: "bottom" });
        order.set(n.id, i);
      });
      continue;
    }
    const n = list.length;
    const previous = radius;
    const spacing = ring === 1 ? FIRST_SPACING : SPACING;
    radius = Math.max(previous + RING, (n * spacing) / (2 * Math.PI));
    const gap = spacing / radius;
    let placed;
    const parentOf = (node) => {
      if (node.parent && angle.has(node.parent)) return node.parent;
      let best = null;
      for (const other of adj.get(node.id) ?? []) {
        if (!angle.has(other) || !order.has(other)) continue;
        if (best === null || order.get(other) < order.get(best)) best = other;
      }
      return best;
    };
    const withParent = list.map((node) => ({ node, parent: ring === 1 ? null : parentOf(node) }));
    if (ring === 1 || withParent.every((x) => x.parent === null)) {
      placed = list.sort(byKindThenName).map((node, i) => ({ node, a: -Math.PI / 2 + (2 * Math.PI * i) / n }));
    } else {
      // Children of one parent side by side around the parent's angle, in kind-then-name order.
      const children = new Map();
      const orphans = [];
      for (const x of withParent) {
        if (x.parent === null) orphans.push(x.node);
        else {
          if (!children.has(x.parent)) children.set(x.parent, []);
          children.get(x.parent).push(x.node);
        }
      }
      const wanted = [];
      for (const [parent, kids] of children) {
        kids.sort(byKindThenName);
        const a0 = angle.get(parent) - ((kids.length - 1) * gap) / 2;
        kids.forEach((node, i) => wanted.push({ node, a: a0 + i * gap, rank: order.get(parent) * 1e4 + i }));
      }
      orphans.sort(byKindThenName).forEach((node, i) => wanted.push({ node, a: Math.PI / 2 + i * gap, rank: 1e9 + i }));
      placed = spread(wanted, gap);
    }
    placed.forEach(({ node, a }, i) => {
      angle.set(node.id, a);
      order.set(node.id, i);
      pos.set(node.id, { x: radius * Math.cos(a), y: radius * Math.sin(a), side: sideOf(a) });
    });
  }
  return pos;
}

// Where a name goes on a ring: away from the middle.
function sideOf(a) {
  const c = Math.cos(a);
  const s = Math.sin(a);
  if (Math.abs(c) > 0.5) return c > 0 ? "right" : "left";
  return s > 0 ? "bottom" : "top";
}

// Push angles apart to at least `gap` along a circle, keeping their order; the whole ring turns back
// so that nodes stay, on average, where they wanted to be.
function spread(wanted, gap) {
  const list = wanted.sort((x, y) => x.a - y.a || x.rank - y.rank);
  if (list.length < 2) return list;
  const out = list.map((x) => ({ ...x }));
  for (let i = 1; i < out.length; i++) out[i].a = Math.max(out[i].a, out[i - 1].a + gap);
  const span = out.at(-1).a - out[0].a;
  if (span > 2 * Math.PI - gap) {
    const step = (2 * Math.PI) / out.length;
    out.forEach((x, i) => (x.a = list[0].a + i * step));
    return out;
  }
  const drift = out.reduce((sum, x, i) => sum + (x.a - list[i].a), 0) / out.length;
  for (const x of out) x.a -= drift;
  return out;
}

// Which drawn nodes carry their name all the time.
export function labelledIds(nodes, edges, keep) {
  const real = nodes.filter((n) => !n.group);
  if (real.length <= ALL_LABELS_UP_TO) return new Set(nodes.map((n) => n.id));
  const degree = new Map(nodes.map((n) => [n.id, 0]));
  for (const e of edges) {
    if (degree.has(e.source)) degree.set(e.source, degree.get(e.source) + 1);
    if (degree.has(e.target)) degree.set(e.target, degree.get(e.target) + 1);
  }
  const out = new Set(nodes.filter((n) => n.group || keep.has(n.id)).map((n) => n.id));
  const score = (n) => degree.get(n.id) + (n.kind === "WIJKPARTNER" || n.kind === "MUNICIPALITY_ROLE" ? 6 : 0) - (n.hops ?? 0);
  real
    .filter((n) => !out.has(n.id))
    .sort((a, b) => score(b) - score(a) || a.name.localeCompare(b.name))
    .slice(0, LABELLED)
    .forEach((n) => out.add(n.id));
  return out;
}
