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

export async function gql(query, variables = {}) {
  const headers = {
    "content-type": "application/json",
    accept: "application/graphql-response+json, application/json",
    "accept-language": currentLang(),
  };
  const bearer = token();
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

// Which Query fields (and their arguments) this server has: the page offers only what exists.
let capabilities = null;

export async function loadCapabilities() {
  const data = await gql(
    `query Capabilities { __schema { queryType { fields { name args { name } } } } }`,
  );
  capabilities = new Map(data.__schema.queryType.fields.map((f) => [f.name, new Set(f.args.map((a) => a.name))]));
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

// Fields every node of the graph view needs.
export const STAKEHOLDER_FIELDS = `
  __typename id
  ... on Stakeholder { name kind themes { key } areas { code name level parent { code name level } } }
`;
export const NODE_FIELDS = `${STAKEHOLDER_FIELDS} ... on Meeting { name date }`;
