import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { outlineCourse } from '#shared/domain/course-structure';
import type { LearnerBundle } from '#shared/domain/records';
import { streamExhaustZip } from '#shared/report-files/write-exhaust';
import { courseProgressReport } from '#shared/reports/course-progress';
import { exhaustRows } from '#shared/usecases/workflow-steps';
import { benchBatch, benchCourse, syntheticLearnerPages } from '../../infra/local/synthetic-batch.ts';

/**
 * Run by the memory test in a child process with a small heap and `--expose-gc`: streams N
 * synthetic learners through the real course progress writer into a file and prints what it wrote,
 * with the heap still in use (after a full collection) once a quarter of the learners had been
 * read and once all of them had: a writer that kept anything per row holds more at the end.
 */
const learners = Number(process.argv[2]);
const out = process.argv[3] as string;
const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('run with --expose-gc');
const liveHeapMB = () => {
  collect();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};
const retainedMB: { quarter?: number; end?: number } = {};

async function* measured(pages: Iterable<LearnerBundle[]>): AsyncGenerator<LearnerBundle[]> {
  let read = 0;
  for (const page of pages) {
    read += page.length;
    if (retainedMB.quarter === undefined && read >= learners / 4) retainedMB.quarter = liveHeapMB();
    yield page;
  }
  retainedMB.end = liveHeapMB();
}

const context = { outline: outlineCourse(benchCourse), batch: benchBatch };
const layout = courseProgressReport.layout(context);
const { zip, stats } = streamExhaustZip({
  entryName: 'large.csv',
  header: layout.header,
  idColumns: layout.idColumns,
  rowBatches: exhaustRows(layout, context.batch.org, measured(syntheticLearnerPages(learners))),
  password: 'Memory2026',
});
await pipeline(zip, createWriteStream(out));
process.stdout.write(JSON.stringify({ ...(await stats), retainedMB }));
