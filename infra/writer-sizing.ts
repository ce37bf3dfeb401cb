/**
 * How the functions that write exhausts (WriteShard, AssembleBatch) are sized. A module of its own,
 * free of CDK imports, because the benchmark runs its writer processes with the same settings.
 */

/**
 * Lambda gives a function one full vCPU at 1,769 MB and CPU in proportion below that. Encoding and
 * zipping are CPU-bound on one thread (deflate takes part of a second), so they cost the same
 * GB-seconds at any size up to here and finish soonest here. Time spent waiting on DynamoDB is
 * billed at the full size, though: about half a cent more per million learners than 1 GB (docs/performance.md,
 * scale note), for files that are ready up to 1.7× sooner.
 */
export const WRITER_MEMORY_MB = 1769;

/**
 * V8 heap limit of the writers. Their live heap is small and does not grow with the batch (a test
 * streams 400k learners through 48 MB; DynamoDB pages, the SDK and question-set rows add tens of MB
 * at most). Without a limit V8 lets garbage pile up as a batch grows (peak RSS 107 → 155 MB from
 * 10k to 1M learners on the benchmark machine, whose 24 GB give V8 a multi-GB default); with this
 * one it stayed at 103 / 118 / 124 MB for 10k / 100k / 1M, at the same speed, while leaving about
 * five times the live heap as headroom. 128 MB measured the same RSS with less headroom.
 */
export const WRITER_HEAP_MB = 256;

export const WRITER_NODE_OPTIONS = `--max-old-space-size=${WRITER_HEAP_MB}`;
