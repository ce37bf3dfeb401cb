import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type ApiKeysRepository,
  refilledTokens,
  type StoredApiKey,
  type ThrottlePolicy,
  type TokenDecision,
} from '../usecases/api-keys.ts';
import { clients } from './aws-clients.ts';

/**
 * ApiKeys table:
 *
 * | item         | pk              | attributes                                              |
 * | key          | KEY#{sha256}    | keyId, org, label, createdAt, lastUsedAt?, revokedAt?   (GSI byOrg: org / createdAt) |
 * | token bucket | RATE#{keyId}    | tokens, at (ms)                                          |
 *
 * The authorizer finds a key by the hash of what the caller sent: one GetItem. Rate items carry no
 * `org`, so the byOrg index holds keys only.
 */
export const BY_ORG_INDEX = 'byOrg';
/** lastUsedAt is written at most this often per key, so busy keys do not write on every call. */
const TOUCH_EVERY_MS = 60_000;
const TOKEN_RACE_RETRIES = 3;

type Item = Record<string, unknown>;

function keyOf(item: Item): StoredApiKey {
  return {
    keyId: String(item.keyId),
    org: String(item.org),
    label: String(item.label),
    hash: String(item.hash),
    createdAt: String(item.createdAt),
    ...(item.lastUsedAt ? { lastUsedAt: String(item.lastUsedAt) } : {}),
    ...(item.revokedAt ? { revokedAt: String(item.revokedAt) } : {}),
  };
}

export class DynamoApiKeysRepository implements ApiKeysRepository {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient = clients.dynamo,
  ) {}

  async create(key: StoredApiKey): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `KEY#${key.hash}`, ...key },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async findByHash(hash: string): Promise<StoredApiKey | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `KEY#${hash}` }, ConsistentRead: true }),
    );
    return out.Item ? keyOf(out.Item) : undefined;
  }

  async listForOrg(org: string): Promise<StoredApiKey[]> {
    const keys: StoredApiKey[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        IndexName: BY_ORG_INDEX,
        KeyConditionExpression: 'org = :org',
        ExpressionAttributeValues: { ':org': org },
        ScanIndexForward: false,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) keys.push(keyOf(item));
    return keys;
  }

  async revoke(org: string, keyId: string, now: Date): Promise<boolean> {
    const key = (await this.listForOrg(org)).find((k) => k.keyId === keyId);
    if (!key) return false;
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `KEY#${key.hash}` },
        UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
        ConditionExpression: 'org = :org',
        ExpressionAttributeValues: { ':now': now.toISOString(), ':org': org },
      }),
    );
    return true;
  }

  async touch(hash: string, now: Date): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `KEY#${hash}` },
          UpdateExpression: 'SET lastUsedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :stale)',
          ExpressionAttributeValues: {
            ':now': now.toISOString(),
            ':stale': new Date(now.getTime() - TOUCH_EVERY_MS).toISOString(),
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * A token bucket in one item, updated optimistically: read, refill, and write back only if nobody
   * wrote in between (`at` unchanged); a lost race reads again.
   */
  async takeToken(keyId: string, now: Date, policy: ThrottlePolicy): Promise<TokenDecision> {
    const pk = `RATE#${keyId}`;
    for (let attempt = 0; attempt < TOKEN_RACE_RETRIES; attempt += 1) {
      const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk }, ConsistentRead: true }));
      const state = out.Item ? { tokens: Number(out.Item.tokens), at: Number(out.Item.at) } : undefined;
      const tokens = refilledTokens(state, now.getTime(), policy);
      if (tokens < 1) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / policy.ratePerSecond)) };
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk, tokens: tokens - 1, at: now.getTime() },
            ...(state
              ? {
                  ConditionExpression: '#at = :at',
                  ExpressionAttributeNames: { '#at': 'at' },
                  ExpressionAttributeValues: { ':at': state.at },
                }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          }),
        );
        return { allowed: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    // Heavy contention on one key is itself a sign to slow down.
    return { allowed: false, retryAfterSeconds: 1 };
  }
}
