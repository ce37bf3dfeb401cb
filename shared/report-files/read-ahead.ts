/**
 * Iterates `source` one item ahead: while the consumer works on an item, the next one is already
 * being fetched (the next DynamoDB page or BatchGet while this page is encoded). At most one item
 * waits, so memory stays bounded.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let pending = iterator.next();
  // A failure of the fetch ahead is rethrown when its turn comes, not reported as unhandled now.
  pending.catch(() => undefined);
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
}
