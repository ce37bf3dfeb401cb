import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

/**
 * Bulk import: `npm run import -- --api URL --token TOKEN records.jsonl`. Streams a JSON-lines
 * file to POST /v1/records in chunks of up to 1000 records, through the same validation as any
 * other ingestion. Each chunk is all or nothing; parents (course, batch) must come before the
 * records that refer to them. The first rejected chunk stops the import, naming the bad lines.
 */
const CHUNK = 1000;
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { api: { type: 'string' }, token: { type: 'string' } },
});
const [file] = positionals;
if (!values.api || !values.token || !file) {
  console.error('usage: npm run import -- --api http://127.0.0.1:3000 --token $CREATOR_TOKEN records.jsonl');
  process.exit(2);
}

let chunk: unknown[] = [];
let firstLine = 1;
let lineNumber = 0;
let written = 0;

async function send() {
  if (chunk.length === 0) return;
  const response = await fetch(`${values.api}/v1/records`, {
    method: 'POST',
    headers: { authorization: `Bearer ${values.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ records: chunk }),
  });
  const body = (await response.json()) as {
    written?: number;
    error?: { message: string; issues?: { path: string; message: string }[] };
  };
  if (!response.ok) {
    console.error(`Lines ${firstLine}-${lineNumber} refused (${response.status}): ${body.error?.message ?? 'unknown error'}`);
    for (const issue of body.error?.issues ?? []) {
      const index = /^records\[(\d+)\]/.exec(issue.path)?.[1];
      console.error(`  line ${index === undefined ? '?' : firstLine + Number(index)}: ${issue.path} ${issue.message}`);
    }
    console.error(`${written} records were written before this chunk.`);
    process.exit(1);
  }
  written += body.written ?? 0;
  chunk = [];
  firstLine = lineNumber + 1;
}

for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
  lineNumber += 1;
  if (!line.trim()) {
    if (chunk.length === 0) firstLine = lineNumber + 1;
    continue;
  }
  try {
    chunk.push(JSON.parse(line));
  } catch {
    console.error(`line ${lineNumber}: not valid JSON`);
    process.exit(1);
  }
  if (chunk.length === CHUNK) await send();
}
await send();
console.log(`Imported ${written} records from ${file}.`);
