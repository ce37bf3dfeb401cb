/**
 * How a batch's learners are spread and split. Learner records live in LEARNER_BUCKETS partitions
 * per batch, chosen by a hash of the user id: writes of a big batch spread over partitions, and a
 * huge batch splits into shards that each read a contiguous run of buckets. Reading every bucket
 * in order gives the same rows, in the same order, as reading the shards one after the other.
 */
export const LEARNER_BUCKETS = 16;

/** FNV-1a: stable across runtimes and releases, which a bucket assignment must be. */
export function learnerBucket(userId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i += 1) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % LEARNER_BUCKETS;
}

export const ALL_BUCKETS: readonly number[] = Array.from({ length: LEARNER_BUCKETS }, (_, i) => i);

/**
 * Splits a batch of about `learners` into the fewest shards of at most `perShard` learners each
 * (at most one shard per bucket), as contiguous runs of buckets in bucket order.
 */
export function planShards(learners: number, perShard: number): number[][] {
  const count = Math.min(LEARNER_BUCKETS, Math.max(1, Math.ceil(learners / perShard)));
  const shards: number[][] = [];
  for (let s = 0; s < count; s += 1) {
    const from = Math.floor((s * LEARNER_BUCKETS) / count);
    const to = Math.floor(((s + 1) * LEARNER_BUCKETS) / count);
    shards.push(ALL_BUCKETS.slice(from, to));
  }
  return shards;
}
