// Build the model a view shows from the API: an ego network, connection paths, a set of stakeholders.
import { NODE_FIELDS, gql, has, known, loadCapabilities } from "./api.js";
import { GraphModel } from "./model.js";

export const MAX_NODES = 150; // what a broker can read in one picture
const CHUNK = 100; // the API's most ids per nodes(ids:)

const RELATIONS = `
  query Relations($ids: [ID!]!, $first: Int!) {
    nodes(ids: $ids) {
      __typename id
      ... on Stakeholder { relations(first: $first) { totalCount nodes { id kind source { __typename id } target { __typename id } } } }
      ... on Meeting { attendees(first: $first) { totalCount nodes { __typename id } } }
    }
  }`;

const DETAILS = `query Details($ids: [ID!]!) { nodes(ids: $ids) { ${NODE_FIELDS} } }`;

const edgeId = (kind, a, b) => `${kind}:${a < b ? a : b}:${a < b ? b : a}`;
const isGraphNode = (ref) => ref && ref.__typename !== "Area";

function chunks(list, size = CHUNK) {
  const out = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

// The relations of each id as [{other, kind}], ties to areas left out.
async function relationsOf(ids, first) {
  const out = new Map();
  for (const part of chunks(ids)) {
    const data = await gql(RELATIONS, { ids: part, first });
    for (const node of data.nodes) {
      if (!node) continue;
      const ties = [];
      for (const r of node.relations?.nodes ?? []) {
        const other = r.source.id === node.id ? r.target : r.source;
        if (isGraphNode(other)) ties.push({ other: other.id, kind: r.kind, source: r.source.id, target: r.target.id });
      }
      for (const a of node.attendees?.nodes ?? []) ties.push({ other: a.id, kind: "ATTENDED", source: a.id, target: node.id });
      out.set(node.id, ties);
    }
  }
  return out;
}

export async function details(ids) {
  const out = [];
  for (const part of chunks(ids)) out.push(...(await gql(DETAILS, { ids: part })).nodes.filter(Boolean));
  return out;
}

// The ego network: egoNetwork when the server has it, otherwise ring by ring through relations.
// on: the network as it stood that day (egoNetwork(activeOn:)), when the server can.
export async function egoModel(focus, depth, expand = [], on = null) {
  const model = (await egoFirst(focus, depth, on)) ?? (await egoByRings(focus, depth));
  for (const id of expand) if (model.nodes.has(id)) await expandInto(model, id);
  return model;
}

// On the first drawing the capabilities may not be known yet: egoNetwork is asked at once (every
// graphsvc since the explorer has it) and the rings are the fallback only when the server lacks it.
async function egoFirst(focus, depth, on = null) {
  if (known() && !has("egoNetwork")) return null;
  try {
    return await egoFromApi(focus, depth, on);
  } catch (error) {
    if (!known()) await loadCapabilities();
    if (has("egoNetwork")) throw error;
    return null;
  }
}

const EGO_BODY = `
    truncated
    nodes { hops node { ${NODE_FIELDS} } }
    relations { kind source { id } target { id } }`;
const EGO = `query Ego($id: ID!, $hops: Int!, $first: Int!) { egoNetwork(id: $id, hops: $hops, first: $first) { ${EGO_BODY} } }`;
const EGO_ON = `query Ego($id: ID!, $hops: Int!, $first: Int!, $on: Date) { egoNetwork(id: $id, hops: $hops, first: $first, activeOn: $on) { ${EGO_BODY} } }`;

async function egoFromApi(focus, depth, on = null) {
  const ego = on
    ? (await gql(EGO_ON, { id: focus, hops: depth, first: MAX_NODES, on })).egoNetwork
    : (await gql(EGO, { id: focus, hops: depth, first: MAX_NODES })).egoNetwork;
  const model = new GraphModel({ mode: "ego", centre: focus, truncated: ego.truncated });
  for (const item of ego.nodes) if (item.node) model.addNode(item.node, { hops: item.hops });
  for (const r of ego.relations) {
    if (r.source && r.target) model.addEdge({ id: edgeId(r.kind, r.source.id, r.target.id), kind: r.kind, source: r.source.id, target: r.target.id });
  }
  return model;
}

async function egoByRings(focus, depth) {
  const model = new GraphModel({ mode: "ego", centre: focus });
  const hops = new Map([[focus, 0]]);
  const ties = [];
  let frontier = [focus];
  for (let d = 1; d <= depth && frontier.length; d++) {
    const rels = await relationsOf(frontier, d === 1 ? 100 : 30);
    const next = [];
    for (const list of rels.values()) {
      for (const tie of list) {
        ties.push(tie);
        if (hops.has(tie.other)) continue;
        if (hops.size > MAX_NODES) {
          model.truncated = true;
          continue;
        }
        hops.set(tie.other, d);
        next.push(tie.other);
      }
    }
    frontier = next;
  }
  for (const node of await details([...hops.keys()])) model.addNode(node, { hops: hops.get(node.id) });
  for (const tie of ties) model.addEdge({ id: edgeId(tie.kind, tie.source, tie.target), kind: tie.kind, source: tie.source, target: tie.target });
  return model;
}

// Add a node's neighbours (one ring further out) to the model.
export async function expandInto(model, id) {
  const base = model.nodes.get(id)?.hops ?? 0;
  const ties = (await relationsOf([id], 100)).get(id) ?? [];
  const fresh = [...new Set(ties.map((t) => t.other))].filter((o) => !model.nodes.has(o));
  for (const node of await details(fresh)) model.addNode(node, { hops: base + 1 });
  for (const tie of ties) model.addEdge({ id: edgeId(tie.kind, tie.source, tie.target), kind: tie.kind, source: tie.source, target: tie.target });
  return fresh.length;
}

// A set of stakeholders and the relations among them (a group, a neighbourhood on a theme).
export async function subgraphModel(nodes, mode, centre = null) {
  const model = new GraphModel({ mode, centre });
  for (const node of nodes.slice(0, MAX_NODES)) model.addNode(node, { hops: 0 });
  model.truncated = nodes.length > MAX_NODES;
  const rels = await relationsOf([...model.nodes.keys()], 100);
  for (const list of rels.values()) {
    for (const tie of list) model.addEdge({ id: edgeId(tie.kind, tie.source, tie.target), kind: tie.kind, source: tie.source, target: tie.target });
  }
  return model;
}

export const PATHS = `
  query Paths($from: ID!, $to: ID!, $maxHops: Int!, $weighted: Boolean!) {
    connectionPaths(from: $from, to: $to, maxHops: $maxHops, first: 3, weighted: $weighted) {
      length strength weakest
      nodes { ${NODE_FIELDS} }
      hops { strength source { id } target { id } relations { kind source { id } target { id } } }
    }
  }`;

// Paths drawn into a model: each hop's relations (or a plain tie when none is visible) as path edges.
export function addPaths(model, paths, cls = "path", offset = 0) {
  for (const path of paths) {
    path.nodes.forEach((node, i) => model.addNode(node, { hops: i + offset }));
    for (const hop of path.hops) {
      const s = hop.source.id;
      const tg = hop.target.id;
      const rels = hop.relations?.length ? hop.relations : [{ kind: "KNOWS", source: { id: s }, target: { id: tg } }];
      for (const r of rels) model.addEdge({ id: edgeId(r.kind, r.source.id, r.target.id), kind: r.kind, source: r.source.id, target: r.target.id, cls });
    }
  }
}

export async function pathsModel(from, to, maxHops, weighted, suggested = false) {
  const data = await gql(PATHS, { from, to, maxHops, weighted });
  const model = new GraphModel({ mode: "paths", centre: from });
  addPaths(model, data.connectionPaths);
  if (!model.nodes.has(from) || !model.nodes.has(to)) {
    for (const node of await details([from, to])) model.addNode(node, { hops: node.id === from ? 0 : maxHops });
  }
  const end = model.nodes.get(to);
  if (end) end.role = "end";
  if (suggested) model.addEdge({ id: "suggested", kind: "SUGGESTED", source: from, target: to, cls: "suggested" });
  return { model, paths: data.connectionPaths };
}
