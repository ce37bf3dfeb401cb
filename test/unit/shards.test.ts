import { describe, expect, it } from 'vitest';
import { ALL_BUCKETS, LEARNER_BUCKETS, learnerBucket, planShards } from '#shared/domain/shards';

/** FNV-1a over UTF-16 code units, written the textbook way (BigInt, mod 2^32) to check the fast one. */
function referenceFnv1a(text: string): number {
  let hash = 0x811c9dc5n;
  for (const unit of Array.from({ length: text.length }, (_, i) => text.charCodeAt(i))) {
    hash = ((hash ^ BigInt(unit)) * 0x01000193n) % 2n ** 32n;
  }
  return Number(hash);
}

describe('learner buckets and shards', () => {
  it('puts a user in the bucket FNV-1a of the id names, on every runtime and release', () => {
    // Pinned: FNV-1a('a') is 0xe40c292c. A change here would strand stored learners in the wrong partitions.
    expect(referenceFnv1a('a')).toBe(0xe40c292c);
    expect(['a', 'user-0001', 'u42'].map(learnerBucket)).toEqual([12, 10, 10]);
    for (const id of ['', 'user-0001', 'Zoë-ß', 'ユーザー', 'x'.repeat(128), 'a:b.c_d-e']) {
      expect(learnerBucket(id), id).toBe(referenceFnv1a(id) % LEARNER_BUCKETS);
    }
    const counts = new Array(LEARNER_BUCKETS).fill(0);
    for (let i = 0; i < 16_000; i += 1) counts[learnerBucket(`user-${i}`)] += 1;
    expect(Math.min(...counts)).toBeGreaterThan(800);
  });

  it('keeps a batch whole up to the shard size', () => {
    expect(planShards(0, 1000)).toEqual([ALL_BUCKETS]);
    expect(planShards(1000, 1000)).toEqual([ALL_BUCKETS]);
  });

  it('splits bigger batches into contiguous runs of buckets that cover each bucket once, in order', () => {
    for (const learners of [1001, 3500, 9999, 1_000_000]) {
      const shards = planShards(learners, 1000);
      expect(shards.length).toBe(Math.min(16, Math.ceil(learners / 1000)));
      expect(shards.flat()).toEqual(ALL_BUCKETS);
      expect(shards.every((s) => s.length > 0)).toBe(true);
    }
  });
});
