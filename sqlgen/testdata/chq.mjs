// Reads JSON lines {name, sql} on stdin; writes JSON lines {name, out|err}:
// out is ClickHouse's JSONCompact text of the result.
import { query } from 'chdb';
import readline from 'readline';
const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  if (!line.trim()) continue;
  const { name, sql } = JSON.parse(line);
  try {
    const out = query(sql, 'JSONCompact');
    process.stdout.write(JSON.stringify({ name, out }) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ name, err: String(e) }) + '\n');
  }
}
