/**
 * Starts reading `source` now and keeps one item ahead of its consumer: while one page is encoded
 * the next is already on its way. At most one item waits.
 */
export function eager<T>(source: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = source[Symbol.asyncIterator]();
  let pending = iterator.next();
  // A failure of a fetch ahead is rethrown when its turn comes, not reported as unhandled now.
  pending.catch(() => undefined);
  return {
    async *[Symbol.asyncIterator]() {
      try {
        while (true) {
          const result = await pending;
          if (result.done) return;
          pending = iterator.next();
          pending.catch(() => undefined);
          yield result.value;
        }
      } finally {
        await iterator.return?.();
      }
    },
  };
}

/**
 * The items of several sources, source after source in order, while the next `ahead` sources are
 * already fetching their first item. Each read is a round trip to the table, so overlapping them
 * is what makes a report fast; memory holds at most one item per started source.
 */
export async function* inOrderWithPrefetch<T>(sources: (() => AsyncIterable<T>)[], ahead: number): AsyncIterable<T> {
  const started: AsyncIterable<T>[] = [];
  const start = (index: number) => {
    const source = sources[index];
    if (source && !started[index]) started[index] = eager(source());
  };
  for (let index = 0; index < sources.length; index += 1) {
    for (let next = index; next <= index + ahead; next += 1) start(next);
    yield* started[index] as AsyncIterable<T>;
  }
}
