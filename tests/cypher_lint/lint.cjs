// Lint Cypher statements as Neo4j 5 would: reads [{name, statement}] as JSON on stdin and
// prints [{name, severity, message}] for every diagnostic (severity 1 = error, 2 = warning).
// Parameters ($name) are declared, so that only real problems are reported.
// CommonJS on purpose: this version's ES module build does not load under Node.js 20.
const { lintCypherQuery } = require("@neo4j-cypher/language-support");

function parametersOf(statement) {
  const names = statement.match(/\$[A-Za-z_][A-Za-z0-9_]*/g) || [];
  return Object.fromEntries(names.map((name) => [name.slice(1), null]));
}

const statements = JSON.parse(require("fs").readFileSync(0, "utf8"));
const found = [];
for (const { name, statement } of statements) {
  const schema = { defaultLanguage: "CYPHER 5", parameters: parametersOf(statement) };
  for (const diagnostic of lintCypherQuery(statement, schema)) {
    found.push({ name, severity: diagnostic.severity, message: diagnostic.message });
  }
}
process.stdout.write(JSON.stringify(found));
