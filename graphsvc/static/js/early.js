// Loaded before main.js (index.html, async): with a token and a stakeholder in the link, ask for the
// ego network at once, while the drawing library and the panels still load and compile; main.js
// takes the answer (loaders.js). Without a token the public may not ask, and main.js says so.
import { token } from "./api.js";
import { setLang } from "./i18n.js";
import { askEarly } from "./loaders.js";
import { readState } from "./state.js";

const state = readState();
if (state.view === "ego" && state.focus && token()) {
  setLang(state.lang); // the page's language, in which the API is asked as main.js will ask
  askEarly(state.focus, state.depth, state.on ?? null);
}
