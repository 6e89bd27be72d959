// Reads JSON lines {name, dialect, sql} (dialect spark or trino) on stdin;
// writes JSON lines {name, errors}: dt-sql-parser's syntax errors (none
// when it parses). A smoke test only: the grammars accept some invalid SQL.
import { SparkSQL, TrinoSQL } from 'dt-sql-parser';
import readline from 'readline';
const parsers = { spark: new SparkSQL(), trino: new TrinoSQL() };
const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  if (!line.trim()) continue;
  const { name, dialect, sql } = JSON.parse(line);
  const errors = parsers[dialect].validate(sql).map((e) => `${e.startLine}:${e.startColumn}: ${e.message}`);
  process.stdout.write(JSON.stringify({ name, errors }) + '\n');
}
