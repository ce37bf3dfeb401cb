import { describe, expect, it } from 'vitest';
import { readAhead } from '#shared/report-files/read-ahead';

describe('read ahead', () => {
  it('yields every item in order while fetching the next one during the consumer’s work', async () => {
    const log: string[] = [];
    async function* source() {
      for (let i = 0; i < 3; i += 1) {
        log.push(`fetch ${i}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        yield i;
      }
    }
    const seen: number[] = [];
    for await (const item of readAhead(source())) {
      log.push(`use ${item}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen.push(item);
    }
    expect(seen).toEqual([0, 1, 2]);
    // Each fetch starts before the previous item is used (plain iteration would alternate).
    expect(log).toEqual(['fetch 0', 'fetch 1', 'use 0', 'fetch 2', 'use 1', 'use 2']);
  });

  it('rethrows a failure of the item fetched ahead when its turn comes', async () => {
    async function* source() {
      yield 1;
      throw new Error('page failed');
    }
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of readAhead(source())) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          seen.push(item);
        }
      })(),
    ).rejects.toThrow('page failed');
    expect(seen).toEqual([1]);
  });
});
