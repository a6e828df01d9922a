// The view's state lives in the URL (a saved view is a link): read it, write it, follow back/forward.
const LISTS = new Set(["expand", "hide", "open", "kinds", "themes", "wijk", "mthemes", "mneeds", "mmembers"]);
const NUMBERS = { depth: [1, 3, 1], hops: [1, 6, 4] };
const DEFAULTS = { lang: "nl", view: "ego", tab: "details", depth: 1, hops: 4, scope: "selected" };

export function readState(search = location.search) {
  const params = new URLSearchParams(search);
  const state = { ...DEFAULTS };
  for (const key of LISTS) state[key] = [];
  for (const [key, value] of params) {
    if (LISTS.has(key)) state[key] = value.split(",").filter(Boolean);
    else if (key in NUMBERS) {
      const [min, max, fallback] = NUMBERS[key];
      const n = Number.parseInt(value, 10);
      state[key] = Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
    } else state[key] = value;
  }
  return state;
}

export function toSearch(state) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) {
    if (value === undefined || value === null || value === "" || value === false) continue;
    if (Array.isArray(value)) {
      if (value.length) params.set(key, value.join(","));
    } else if (DEFAULTS[key] !== value) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

// push: a new place to go back to (another stakeholder, another view); replace: a detail changed.
export function writeState(state, { push = false } = {}) {
  const url = location.pathname + toSearch(state);
  if (url === location.pathname + location.search) return;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
}
