// Runs graphql-http's server audits (GraphQL over HTTP conformance) against the URL given as
// the first argument and prints one JSON line: [{id, name, status, reason}] for every audit.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}
const results = await auditServer({ url });
const out = [];
for (const result of results) {
  let reason = null;
  if (result.status !== 'ok') {
    reason = result.reason;
    try {
      const body = await result.response.text();
      reason += ` (status ${result.response.status}, body ${body.slice(0, 300)})`;
    } catch {
      // the body may have been read by the audit already
    }
  }
  out.push({ id: result.id, name: result.name, status: result.status, reason });
}
process.stdout.write(JSON.stringify(out) + '\n');
