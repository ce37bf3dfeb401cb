import { describe, expect, it } from 'vitest';
import { ALL_BUCKETS, LEARNER_BUCKETS, learnerBucket, planShards } from '#shared/domain/shards';

describe('learner buckets and shards', () => {
  it('puts a user in the same bucket on every run (FNV-1a of the id)', () => {
    expect(learnerBucket('user-0001')).toBe(learnerBucket('user-0001'));
    // Pinned: FNV-1a('a') is 0xe40c292c. A change here would strand stored learners in the wrong partitions.
    expect(['a', 'user-0001', 'u42'].map(learnerBucket)).toEqual([12, 10, 10]);
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
