import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { outlineCourse } from '#shared/domain/course-structure';
import { streamExhaustZip } from '#shared/exhaust/write-exhaust';
import { courseProgressReport } from '#shared/reports/course-progress';
import { exhaustRows } from '#shared/usecases/run-exhaust';
import { benchBatch, benchCourse, syntheticLearnerPages } from '../../infra/local/synthetic-batch.ts';

/**
 * Run by the memory test in a child process with a small heap: streams N synthetic learners
 * through the real course progress writer into a file and prints what it wrote.
 */
const learners = Number(process.argv[2]);
const out = process.argv[3] as string;
const context = { outline: outlineCourse(benchCourse), batch: benchBatch };
const layout = courseProgressReport.layout(context);
let peakHeap = 0;
const sampler = setInterval(() => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}, 20);
const { zip, stats } = streamExhaustZip({
  entryName: 'large.csv',
  header: layout.header,
  idColumns: layout.idColumns,
  rowBatches: exhaustRows(layout, context.batch.org, syntheticLearnerPages(learners)),
  password: 'Memory2026',
});
await pipeline(zip, createWriteStream(out));
clearInterval(sampler);
process.stdout.write(JSON.stringify({ ...(await stats), peakHeapMB: peakHeap / 1024 / 1024 }));
