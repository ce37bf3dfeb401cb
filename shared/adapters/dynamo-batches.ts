import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  paginateQuery,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';

/**
 * Batched DynamoDB reads and writes with DynamoDB's own limits (100 keys per BatchGet, 25 puts per
 * BatchWrite) and retries of what it leaves unprocessed, backing off between rounds. Every adapter
 * that batches goes through here, so there is one back-off and one place a test replaces its sleep.
 */
export type Item = Record<string, unknown>;
export type Key = { pk: string; sk: string };

/**
 * The record an item stores: the item without its table keys (nor the keys of the dropped `gsi1`
 * index that user items written before still carry).
 */
export function recordOf<T>(item: Item): T {
  const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...record } = item;
  return record as T;
}

export const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
/** BatchGets or BatchWrites of one call in flight at once. */
const CHUNKS_AT_ONCE = 4;

/** How often, and after what wait, a batch call sends again what DynamoDB left unprocessed. */
export interface UnprocessedRetry {
  /** Sends of one chunk (the first included) before giving up. */
  rounds: number;
  /** Waits between rounds; a test passes one that records the wait and returns at once. */
  sleep: (ms: number) => Promise<void>;
}

export const UNPROCESSED_RETRY: UnprocessedRetry = {
  rounds: 8,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Exponential back-off with jitter: before round n, between half and all of 50 ms × 2^n (at most
 * 12.7 s over the 7 waits of 8 rounds), so throttled callers do not retry in step.
 */
export function backoffMs(round: number, random: () => number = Math.random): number {
  return 50 * 2 ** round * (0.5 + random() / 2);
}

/** Sends `first`, then whatever each send returns as left over, until nothing is left. */
async function untilProcessed<T>(
  first: T[],
  send: (pending: T[]) => Promise<T[] | undefined>,
  what: 'keys' | 'items',
  retry: UnprocessedRetry,
): Promise<void> {
  let pending: T[] | undefined = first;
  for (let round = 0; pending && pending.length > 0; round += 1) {
    if (round === retry.rounds) throw new Error(`DynamoDB kept returning unprocessed ${what}`);
    if (round > 0) await retry.sleep(backoffMs(round));
    pending = await send(pending);
  }
}

export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Runs `work` over `items`, at most `limit` at a time; the first failure rejects. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  // After a failure no new item starts, and the call returns only once those under way have ended:
  // a caller that goes on to mend (or report) what was written sees all of it.
  const worker = async () => {
    while (next < items.length && !failure) {
      const item = items[next] as T;
      next += 1;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}

export interface Projection {
  expression: string;
  names: Record<string, string>;
}

/** `#p0, #p1, …` with the names they stand for ("name" and other reserved words need them anyway). */
export function projectionOf(attributes: readonly string[]): Projection {
  const unique = [...new Set(attributes)];
  return {
    expression: unique.map((_, i) => `#p${i}`).join(', '),
    names: Object.fromEntries(unique.map((attribute, i) => [`#p${i}`, attribute])),
  };
}

/** One BatchGet of at most 100 keys, with what DynamoDB left unprocessed sent again. */
export async function batchGetChunk(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: Item[],
  {
    projection,
    retry = UNPROCESSED_RETRY,
    consistent = false,
  }: { projection?: Projection; retry?: UnprocessedRetry; consistent?: boolean } = {},
): Promise<Item[]> {
  const found: Item[] = [];
  await untilProcessed(
    keys,
    async (pending) => {
      const out = await db.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ...(consistent ? { ConsistentRead: true } : {}),
              ...(projection ? { ProjectionExpression: projection.expression, ExpressionAttributeNames: projection.names } : {}),
            },
          },
        }),
      );
      found.push(...(out.Responses?.[tableName] ?? []));
      return out.UnprocessedKeys?.[tableName]?.Keys as Item[] | undefined;
    },
    'keys',
    retry,
  );
  return found;
}

/** The items of `keys` (each asked once), in BatchGets of 100, a few at once. */
export async function batchGetAll(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Key[],
  options: { projection?: Projection; retry?: UnprocessedRetry; consistent?: boolean } = {},
): Promise<Item[]> {
  const unique = [...new Map(keys.map((k) => [`${k.pk}|${k.sk}`, k])).values()];
  const found: Item[] = [];
  await inParallel(chunksOf(unique, BATCH_GET_LIMIT), CHUNKS_AT_ONCE, async (chunk) => {
    found.push(...(await batchGetChunk(db, tableName, chunk, options)));
  });
  return found;
}

/** Puts items, later items with the same key winning as they would with one PutItem each. */
export async function batchPutAll(
  db: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Item[],
  retry: UnprocessedRetry = UNPROCESSED_RETRY,
): Promise<void> {
  const latest = [...new Map(items.map((item) => [`${item.pk}|${item.sk}`, item])).values()];
  await inParallel(chunksOf(latest, BATCH_WRITE_LIMIT), CHUNKS_AT_ONCE, (chunk) =>
    untilProcessed(
      chunk.map((Item) => ({ PutRequest: { Item } })),
      async (requests) => {
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        return out.UnprocessedItems?.[tableName] as typeof requests | undefined;
      },
      'items',
      retry,
    ),
  );
}

/** Every item of a Query, all pages. */
export async function queryAll(db: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of paginateQuery({ client: db }, input)) items.push(...(page.Items ?? []));
  return items;
}
