import { describe, expect, it } from 'vitest';
import { orderedPrefetch, Semaphore } from '#shared/adapters/ordered-prefetch';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A paginated source whose pages arrive after uneven delays, recording when each fetch started. */
function source(lane: number, pages: number, log: { started: string[]; inFlight: number; maxInFlight: number }) {
  return async function* () {
    for (let p = 0; p < pages; p += 1) {
      log.started.push(`${lane}.${p}`);
      log.inFlight += 1;
      log.maxInFlight = Math.max(log.maxInFlight, log.inFlight);
      await tick(((lane * 7 + p * 3) % 5) + 1);
      log.inFlight -= 1;
      yield `${lane}.${p}`;
    }
  };
}

describe('reading paginated sources at once, in order', () => {
  it('yields every page in source order, as reading them one after another would, while fetching several at once', async () => {
    const log = { started: [] as string[], inFlight: 0, maxInFlight: 0 };
    const sizes = [3, 0, 5, 1, 4, 2, 6, 3, 2, 1, 0, 4, 3, 2, 5, 1];
    const pages: string[] = [];
    for await (const page of orderedPrefetch(
      sizes.map((n, lane) => source(lane, n, log)),
      { maxAhead: 8 },
    ))
      pages.push(page);
    expect(pages).toEqual(sizes.flatMap((n, lane) => Array.from({ length: n }, (_, p) => `${lane}.${p}`)));
    expect(log.maxInFlight).toBeGreaterThan(4);
  });

  it('keeps at most maxAhead pages waiting beyond the lane being read, however slow the reader', async () => {
    const log = { started: [] as string[], inFlight: 0, maxInFlight: 0 };
    const reader = orderedPrefetch(
      Array.from({ length: 6 }, (_, lane) => source(lane, 10, log)),
      { maxAhead: 3 },
    );
    const first = await reader.next();
    expect(first.value).toBe('0.0');
    await tick(100);
    // Lane 0: the page handed over, one waiting and one in flight at most; other lanes: 3 at most.
    const ahead = log.started.filter((p) => !p.startsWith('0.')).length;
    expect(ahead).toBeLessThanOrEqual(3);
    expect(log.started.filter((p) => p.startsWith('0.')).length).toBeLessThanOrEqual(3);
    await reader.return(undefined);
  });

  it('reads one lane at a time when nothing may be fetched ahead', async () => {
    const log = { started: [] as string[], inFlight: 0, maxInFlight: 0 };
    const pages: string[] = [];
    for await (const page of orderedPrefetch(
      [3, 2, 4].map((n, lane) => source(lane, n, log)),
      { maxAhead: 0 },
    ))
      pages.push(page);
    expect(log.maxInFlight).toBe(1);
    expect(pages).toEqual(['0.0', '0.1', '0.2', '1.0', '1.1', '2.0', '2.1', '2.2', '2.3']);
  });

  it('rethrows a failing source when the reader reaches it, after the pages before it', async () => {
    const failing = async function* () {
      yield 'b.0';
      throw new Error('throttled for good');
    };
    const ok = async function* () {
      yield 'a.0';
    };
    const pages: string[] = [];
    await expect(
      (async () => {
        for await (const page of orderedPrefetch([ok, failing, ok], { maxAhead: 4 })) pages.push(page);
      })(),
    ).rejects.toThrow('throttled for good');
    expect(pages).toEqual(['a.0', 'b.0']);
  });

  it('runs at most `limit` jobs at once', async () => {
    const semaphore = new Semaphore(3);
    let running = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        semaphore.run(async () => {
          running += 1;
          most = Math.max(most, running);
          await tick(2 + (i % 3));
          running -= 1;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(most).toBe(3);
  });
});
