// The one way the page talks to graphsvc: POST /graphql, with the API token (if any) as a Bearer header
// and the page's language, in which the server words every reason and explanation.
import { currentLang } from "./i18n.js";

const TOKEN_KEY = "graphsvc.token";

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// reason: UNKNOWN, EXPIRED or REVOKED when the server refused the token (401); code: the error's code.
export class ApiError extends Error {
  constructor(message, { reason = null, code = null } = {}) {
    super(message);
    this.reason = reason;
    this.code = code;
  }
}

// anonymous: ask as the public whatever token this tab holds (the registration page);
// language: the answer's language when it is not yet the page's (a page about to switch).
export async function gql(query, variables = {}, { anonymous = false, language = currentLang() } = {}) {
  const headers = {
    "content-type": "application/json",
    accept: "application/graphql-response+json, application/json",
    "accept-language": language,
  };
  const bearer = anonymous ? "" : token();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  } catch (error) {
    throw new ApiError(`network: ${error.message}`);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`HTTP ${response.status}`);
  }
  if (body.errors?.length) {
    const first = body.errors[0].extensions ?? {};
    throw new ApiError(body.errors.map((e) => e.message).join("; "), { reason: first.reason ?? null, code: first.code ?? null });
  }
  if (!response.ok) throw new ApiError(`HTTP ${response.status}`);
  return body.data;
}

// Who the server takes this tab for: role, municipalities (null: all) and the token's display prefix.
export async function whoAmI() {
  return (await gql(`query Me { me { role municipalities label } }`)).me;
}

export const mayWrite = (me) => me?.role === "EDITOR" || me?.role === "ADMIN";
export const mayAsk = (me) => me?.role && me.role !== "PUBLIC";

// Which Query and Mutation fields (and their arguments), and which fields of the types the page
// reads, this server has: the page offers only what exists, and asks for new fields as they appear.
let capabilities = null;
let mutations = new Set();
let typeFields = new Map(); // type name -> Set of field names

const TYPES = ["Relation", "Resident", "Initiative", "Wijkpartner", "Organisation", "MunicipalityRole", "Meeting", "Registration", "StaleFact", "AreaChange"];

export async function loadCapabilities() {
  const types = TYPES.map((name, i) => `t${i}: __type(name: "${name}") { name fields { name } }`).join(" ");
  const data = await gql(
    `query Capabilities { __schema { queryType { fields { name args { name } } } mutationType { fields { name } } } ${types} }`,
  );
  capabilities = new Map(data.__schema.queryType.fields.map((f) => [f.name, new Set(f.args.map((a) => a.name))]));
  mutations = new Set((data.__schema.mutationType?.fields ?? []).map((f) => f.name));
  typeFields = new Map(TYPES.map((name, i) => [name, new Set((data[`t${i}`]?.fields ?? []).map((f) => f.name))]));
  return capabilities;
}

// Whether the capabilities are known yet (the first drawing does not wait for them).
export function known() {
  return capabilities !== null;
}

export function has(field) {
  return capabilities?.has(field) ?? false;
}

export function hasArg(field, arg) {
  return capabilities?.get(field)?.has(arg) ?? false;
}

export function hasMutation(name) {
  return mutations.has(name);
}

export function hasField(type, name) {
  return typeFields.get(type)?.has(name) ?? false;
}

// The fields of a list that this server has: "a b c" -> "a c" when b is not there yet.
export function fieldsOf(type, names) {
  return names
    .split(/\s+/)
    .filter((name) => name && hasField(type, name))
    .join(" ");
}

// Freshness (issue 18) on a stakeholder or a relation, once the server has it.
export function freshness(type = "Resident") {
  return fieldsOf(type, "stale confirmedOn");
}

// Fields every node of the graph view needs.
export const STAKEHOLDER_FIELDS = `
  __typename id
  ... on Stakeholder { name kind themes { key } areas { code name level parent { code name level } } }
`;
export const NODE_FIELDS = `${STAKEHOLDER_FIELDS} ... on Meeting { name date }`;

/** Every area of one level, page by page (``options`` as for ``gql``: the sign-up page asks anonymously). */
export async function areasOf(level, options = {}) {
  const out = [];
  let after = null;
  for (let page = 0; page < 20; page++) {
    const data = await gql(
      `query Areas($level: AreaLevel!, $after: String) { areas(level: $level, first: 100, after: $after) { nodes { code name level parent { code name } } pageInfo { hasNextPage endCursor } } }`,
      { level, after },
      options,
    );
    out.push(...data.areas.nodes);
    if (!data.areas.pageInfo.hasNextPage) break;
    after = data.areas.pageInfo.endCursor;
  }
  return out;
}
