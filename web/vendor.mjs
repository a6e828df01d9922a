// Copy the files the explorer serves from the pinned npm packages (package-lock.json) into
// graphsvc/static/vendor/, so that the wheel ships them and no build step runs at install time.
// Run after changing a version in package.json:  cd web && npm ci --ignore-scripts && node vendor.mjs
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const out = join(here, "..", "graphsvc", "static", "vendor");
const pkg = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));

function version(name) {
  return JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8")).version;
}

function copy(name, from, to) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  copyFileSync(join(modules, name, from), join(out, to));
}

rmSync(out, { recursive: true, force: true });
const shipped = {};

copy("cytoscape", "dist/cytoscape.esm.min.mjs", "cytoscape/cytoscape.esm.min.mjs");
copy("cytoscape", "LICENSE", "cytoscape/LICENSE");
copy("axe-core", "axe.min.js", "axe-core/axe.min.js");
copy("axe-core", "LICENSE", "axe-core/LICENSE");
shipped.cytoscape = version("cytoscape");
shipped["axe-core"] = version("axe-core");

// The NL Design System CSS components: one stylesheet, each package's own file (with its licence
// header) in the order of package.json. Their design tokens come from ../theme.css, not from
// @utrecht/design-tokens.
const utrecht = Object.keys(pkg.dependencies).filter((name) => name.startsWith("@utrecht/") && name.endsWith("-css"));
let css = "/* NL Design System components (@utrecht/*-css, EUPL-1.2), copied by web/vendor.mjs */\n";
for (const name of utrecht) {
  shipped[name] = version(name);
  css += `\n/* ${name}@${shipped[name]} */\n` + readFileSync(join(modules, name, "dist", "index.css"), "utf8");
}
mkdirSync(join(out, "utrecht"), { recursive: true });
writeFileSync(join(out, "utrecht", "components.css"), css);
copy(utrecht[0], "LICENSE.md", "utrecht/LICENSE.md");

for (const [name, v] of Object.entries(shipped)) {
  if (pkg.dependencies[name] !== v) throw new Error(`${name}: installed ${v}, package.json pins ${pkg.dependencies[name]}`);
}
writeFileSync(join(out, "VERSIONS.json"), JSON.stringify(shipped, null, 2) + "\n");
console.log(`copied ${Object.keys(shipped).length} packages into ${out}`);
