import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  paginateQuery,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';

/**
 * Batched DynamoDB reads and writes with DynamoDB's own limits (100 keys per BatchGet, 25 puts per
 * BatchWrite) and retries of what it leaves unprocessed, backing off between rounds.
 */
export type Item = Record<string, unknown>;
export type Key = { pk: string; sk: string };

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
const MAX_UNPROCESSED_ROUNDS = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over `items`, at most `limit` at a time; the first failure rejects. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function batchGetAll(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Key[],
  projection?: { expression: string; names: Record<string, string> },
): Promise<Item[]> {
  const unique = [...new Map(keys.map((k) => [`${k.pk}|${k.sk}`, k])).values()];
  const found: Item[] = [];
  const chunks: Key[][] = [];
  for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) chunks.push(unique.slice(i, i + BATCH_GET_LIMIT));
  await inParallel(chunks, 4, async (chunk) => {
    let pending: Item[] | undefined = chunk;
    for (let round = 0; pending && pending.length > 0; round += 1) {
      if (round === MAX_UNPROCESSED_ROUNDS) throw new Error('DynamoDB kept returning unprocessed keys');
      if (round > 0) await sleep(50 * 2 ** round);
      const out = await db.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ...(projection ? { ProjectionExpression: projection.expression, ExpressionAttributeNames: projection.names } : {}),
            },
          },
        }),
      );
      found.push(...(out.Responses?.[tableName] ?? []));
      pending = out.UnprocessedKeys?.[tableName]?.Keys as Item[] | undefined;
    }
  });
  return found;
}

/** Puts items, later items with the same key winning as they would with one PutItem each. */
export async function batchPutAll(db: DynamoDBDocumentClient, tableName: string, items: readonly Item[]): Promise<void> {
  const latest = [...new Map(items.map((item) => [`${item.pk}|${item.sk}`, item])).values()];
  const chunks: Item[][] = [];
  for (let i = 0; i < latest.length; i += BATCH_WRITE_LIMIT) chunks.push(latest.slice(i, i + BATCH_WRITE_LIMIT));
  await inParallel(chunks, 4, async (chunk) => {
    let requests: { PutRequest: { Item: Item } }[] | undefined = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; requests && requests.length > 0; round += 1) {
      if (round === MAX_UNPROCESSED_ROUNDS) throw new Error('DynamoDB kept returning unprocessed items');
      if (round > 0) await sleep(50 * 2 ** round);
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = out.UnprocessedItems?.[tableName] as typeof requests;
    }
  });
}

/** Every item of a Query, all pages. */
export async function queryAll(db: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of paginateQuery({ client: db }, input)) items.push(...(page.Items ?? []));
  return items;
}
