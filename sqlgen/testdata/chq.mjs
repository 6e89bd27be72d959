// Reads JSON lines {name, sql} on stdin; writes JSON lines {name, out|err}:
// out is ClickHouse's JSONCompact text of the result. Each query runs with
// optimize_move_to_prewhere = 0: ClickHouse 26.7's Parquet reader loses a
// filter column that prewhere moved ("Not found column isNotNull(...) in
// block", an error, never other rows) on 11 detections of the shared data.
import { query } from 'chdb';
import readline from 'readline';
const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  if (!line.trim()) continue;
  const { name, sql } = JSON.parse(line);
  try {
    const out = query(sql + '\nSETTINGS optimize_move_to_prewhere = 0', 'JSONCompact');
    process.stdout.write(JSON.stringify({ name, out }) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ name, err: String(e) }) + '\n');
  }
}
