import '../infra/local/quiet-defaults.ts';

import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import type { Cell } from '#shared/domain/cell';
import { outlineCourse } from '#shared/domain/course-structure';
import { createZipArchive } from '#shared/report-files/zip-archive';
import { reportDefinition } from '#shared/reports/catalogue';
import { exhaustRows } from '#shared/usecases/workflow-steps';
import { benchBatch as batch, benchCourse as course, syntheticLearnerPages } from '../infra/local/synthetic-batch.ts';

/**
 * What the design's libraries cost on their own, as the floor under the course progress writer
 * (part of `npm run bench`; alone: `npx tsx scripts/bench-library-floor.ts --learners 100000`).
 * Three cumulative stages over the very rows the writer writes, none of our CSV code involved:
 *  1. rows: synthetic learners → the report's columns (what feeds any writer);
 *  2. + CSV: each page through `csv-stringify/sync`, default options (no cast, no quoted_match);
 *  3. + ZIP: that CSV through archiver + archiver-zip-encrypted, AES-256, deflate level 5, to /dev/null.
 * Stage 3 is the fastest a writer built on these libraries can be on one thread; if it is under
 * issue 8's 100k rows/s target, no code around the libraries reaches the target.
 * Prints figures, asserts nothing.
 */
const { values } = parseArgs({ options: { learners: { type: 'string', default: '100000' } } });
const learners = Number(values.learners);
const context = { outline: outlineCourse(course), batch };
const layout = reportDefinition('course-progress').layout(context);

const rowPages = () => exhaustRows(layout, batch.org, syntheticLearnerPages(learners, { responses: false }));

async function timed(stage: string, run: () => Promise<number>) {
  const started = process.hrtime.bigint();
  const cpuAtStart = process.cpuUsage();
  const rows = await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuAtStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(
    `| ${stage} | ${rows.toLocaleString('en')} | ${seconds.toFixed(2)} | ${cpuSeconds.toFixed(2)} | ${Math.round(rows / seconds).toLocaleString('en')} |`,
  );
}

async function* csvPages(): AsyncGenerator<string> {
  for await (const page of rowPages()) yield stringify(page as Cell[][], { record_delimiter: 'windows' });
}

console.log(`Library floor, course progress, ${learners.toLocaleString('en')} learners (one thread)\n`);
console.log('| stage | rows | seconds | CPU s | rows/s |\n| --- | ---: | ---: | ---: | ---: |');
await timed('rows', async () => {
  let rows = 0;
  for await (const page of rowPages()) rows += page.length;
  return rows;
});
await timed('rows + csv-stringify', async () => {
  let rows = 0;
  let csvBytes = 0;
  for await (const page of rowPages()) {
    csvBytes += stringify(page as Cell[][], { record_delimiter: 'windows' }).length;
    rows += page.length;
  }
  if (csvBytes === 0) throw new Error('no CSV was written');
  return rows;
});
await timed('rows + csv-stringify + archiver-zip-encrypted AES-256', async () => {
  const archive = createZipArchive({ password: 'Bench2026pw' });
  // Whole pages of CSV per write, as the writer hands them over (one write per row is far slower).
  archive.append(Readable.from(csvPages(), { objectMode: false }), { name: 'course-progress.csv' });
  const written = pipeline(archive, createWriteStream('/dev/null'));
  await archive.finalize();
  await written;
  return learners;
});
