/**
 * Reads several paginated sources at once and yields their pages in source order (all of source 0,
 * then all of source 1, …), exactly as reading them one after another would. Every source fetches
 * its next page as soon as its previous one arrived, so their round trips overlap. Memory is
 * bounded: at most `maxAhead` pages (fetched or in flight) wait in the sources ahead of the one
 * being read; that one never waits for the budget, so the reader cannot stall on pages it has not
 * reached yet.
 */
export async function* orderedPrefetch<T>(
  sources: readonly (() => AsyncIterable<T>)[],
  options: { maxAhead: number },
): AsyncGenerator<T> {
  interface Lane {
    queue: T[];
    done: boolean;
    failed: boolean;
    error?: unknown;
    /** Pages of this lane (queued or in flight) counted against the budget. */
    reserved: number;
    waiter?: (reserved: boolean) => void;
    /** Wakes this lane's fetcher once the reader took its waiting page. */
    space?: () => void;
    /** Wakes the reader waiting on this lane. */
    notify?: () => void;
  }
  const lanes: Lane[] = sources.map(() => ({ queue: [], done: false, failed: false, reserved: 0 }));
  let current = 0;
  let ahead = 0;
  let stopped = false;

  const reserve = (index: number) => {
    ahead += 1;
    (lanes[index] as Lane).reserved += 1;
  };
  /** Hands free budget to waiting lanes, nearest to the reader first. */
  const wake = () => {
    for (let i = 0; i < lanes.length; i += 1) {
      const lane = lanes[i] as Lane;
      const waiter = lane.waiter;
      if (waiter === undefined) continue;
      if (stopped || i <= current) {
        lane.waiter = undefined;
        waiter(false);
      } else if (ahead < options.maxAhead) {
        lane.waiter = undefined;
        reserve(i);
        waiter(true);
      }
    }
  };
  /** Resolves when lane `index` may fetch; true when that fetch counts against the budget. */
  const acquire = (index: number): Promise<boolean> => {
    if (stopped || index <= current) return Promise.resolve(false);
    if (ahead < options.maxAhead) {
      reserve(index);
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      (lanes[index] as Lane).waiter = resolve;
    });
  };

  const pump = async (index: number) => {
    const lane = lanes[index] as Lane;
    const iterator = (sources[index] as () => AsyncIterable<T>)()[Symbol.asyncIterator]();
    try {
      while (true) {
        const reserved = await acquire(index);
        if (stopped) break;
        // The lane being read keeps one page waiting, as a read-ahead does, and no more.
        while (!reserved && !stopped && lane.queue.length > 0) {
          await new Promise<void>((resolve) => {
            lane.space = resolve;
          });
          lane.space = undefined;
        }
        if (stopped) break;
        const next = await iterator.next();
        if (next.done) {
          // Give back the reservation, unless the reader reached this lane meanwhile and took it.
          if (reserved && index > current && lane.reserved > 0) {
            lane.reserved -= 1;
            ahead -= 1;
            wake();
          }
          break;
        }
        lane.queue.push(next.value);
        lane.notify?.();
      }
    } catch (error) {
      lane.failed = true;
      lane.error = error;
    } finally {
      lane.done = true;
      lane.notify?.();
      if (stopped) await iterator.return?.();
    }
  };
  const pumps = sources.map((_, index) => pump(index));

  try {
    for (; current < lanes.length; current += 1) {
      const lane = lanes[current] as Lane;
      // What this lane fetched while ahead of the reader is now the reader's own.
      ahead -= lane.reserved;
      lane.reserved = 0;
      wake();
      while (true) {
        if (lane.queue.length > 0) {
          const page = lane.queue.shift() as T;
          lane.space?.();
          yield page;
          continue;
        }
        if (lane.failed) throw lane.error;
        if (lane.done) break;
        await new Promise<void>((resolve) => {
          lane.notify = resolve;
        });
        lane.notify = undefined;
      }
    }
  } finally {
    stopped = true;
    wake();
    for (const lane of lanes) lane.space?.();
    await Promise.allSettled(pumps);
  }
}

/** A counting semaphore: at most `limit` holders at once, served in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<R>(work: () => Promise<R>): Promise<R> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active += 1;
    try {
      return await work();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
