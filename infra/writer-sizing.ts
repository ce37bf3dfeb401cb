/**
 * How the functions that write exhausts (WriteShard, AssembleBatch) are sized. A module of its own,
 * free of CDK imports, because the benchmark runs its writer processes with the same settings.
 */

/**
 * Lambda gives a function one full vCPU at 1,769 MB and CPU in proportion below that, so up to
 * here a row costs the same GB-seconds however much memory is set, and this is the fastest setting
 * at that price. The writer is CPU-bound on one thread (deflate takes part of a second thread).
 */
export const WRITER_MEMORY_MB = 1769;

/**
 * V8 heap limit of the writers. Their live heap is small and does not grow with the batch (a test
 * streams 400k learners through 48 MB); without a limit V8 lets garbage pile up to hundreds of MB
 * on a big batch before it collects. With it, peak RSS measured 120 MB at 100k learners and
 * 123 MB at 1M, at the same speed, and a leak would fail fast instead of after minutes.
 */
export const WRITER_HEAP_MB = 128;

export const writerNodeOptions = (): string => `--max-old-space-size=${WRITER_HEAP_MB}`;
