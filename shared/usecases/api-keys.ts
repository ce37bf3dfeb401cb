import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DomainError, NotFoundError } from '../domain/errors.ts';
import { Id } from '../domain/records.ts';

/** The OAuth scope a token needs to create, list and revoke API keys. */
export const API_KEYS_SCOPE = 'apikeys/manage';

/** A key as stored: never the key itself, only its SHA-256. */
export interface StoredApiKey {
  keyId: string;
  org: string;
  label: string;
  hash: string;
  createdAt: string;
  lastUsedAt?: string | undefined;
  revokedAt?: string | undefined;
}

/** What a caller is, once its key checked out. */
export interface ApiKeyPrincipal {
  org: string;
  keyId: string;
}

export interface ThrottlePolicy {
  /** Tokens added per second (the sustained rate). */
  ratePerSecond: number;
  /** Bucket size (the burst). */
  burst: number;
}

export interface ApiKeysRepository {
  create(key: StoredApiKey): Promise<void>;
  findByHash(hash: string): Promise<StoredApiKey | undefined>;
  listForOrg(org: string): Promise<StoredApiKey[]>;
  /** Marks a key of the org revoked; false when the org has no such key. */
  revoke(org: string, keyId: string, now: Date): Promise<boolean>;
  /** Records a use; implementations may skip it when the last one is recent. */
  touch(hash: string, now: Date): Promise<void>;
  /** Takes one token from the key's bucket; the state is shared by every function instance. */
  takeToken(keyId: string, now: Date, policy: ThrottlePolicy): Promise<TokenDecision>;
}

export type TokenDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** A missing, malformed, unknown or revoked key, or one used with another org id: 401. */
export class InvalidApiKeyError extends DomainError {}

/** The key used up its bucket: 429 with Retry-After. */
export class RateLimitedError extends DomainError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super('Too many requests for this API key; slow down');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

const KEY_PREFIX = 'cek_';
/** 32 random bytes = 256 bits, base64url without padding: 43 characters. */
const KEY_PATTERN = /^cek_[A-Za-z0-9_-]{43}$/;

/**
 * SHA-256 is enough here, unlike for passwords: a key has 256 bits from the CSPRNG, so there is no
 * dictionary to try and a brute force of 2^256 is out of reach whatever the hash costs. A fast,
 * unsalted hash also lets the authorizer find the key by its hash in one GetItem.
 */
export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** POST /v1/api-keys's body: a label to tell the org's keys apart. */
export const CreateApiKeyBody = z.strictObject({ label: z.string().trim().min(1).max(100) });

export interface CreatedApiKey {
  key: { id: string; label: string; createdAt: string };
  /** Shown this once; only its hash is kept. */
  apiKey: string;
  /** The header value integrators send. */
  authorization: string;
}

export async function createApiKey(
  org: string,
  label: string,
  deps: { keys: ApiKeysRepository; now: Date },
): Promise<CreatedApiKey> {
  const apiKey = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const stored: StoredApiKey = {
    keyId: `key_${randomBytes(8).toString('hex')}`,
    org,
    label,
    hash: hashApiKey(apiKey),
    createdAt: deps.now.toISOString(),
  };
  await deps.keys.create(stored);
  return {
    key: { id: stored.keyId, label, createdAt: stored.createdAt },
    apiKey,
    authorization: `Bearer ${org}:${apiKey}`,
  };
}

/** The org's keys, newest first: id, label, dates; never the key nor its hash. */
export async function listApiKeys(org: string, deps: { keys: ApiKeysRepository }) {
  const keys = await deps.keys.listForOrg(org);
  return keys.map((key) => ({
    id: key.keyId,
    label: key.label,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt ?? null,
    revokedAt: key.revokedAt ?? null,
  }));
}

export async function revokeApiKey(org: string, keyId: string, deps: { keys: ApiKeysRepository; now: Date }) {
  if (!(await deps.keys.revoke(org, keyId, deps.now))) throw new NotFoundError(`API key ${keyId} not found`);
}

/**
 * Checks `Authorization: Bearer ORG_ID:API_KEY`. Every refusal is the same InvalidApiKeyError,
 * with a reason for the logs that never carries the key.
 */
export async function authenticateApiKey(
  authorization: string | undefined,
  deps: { keys: ApiKeysRepository; now: Date },
): Promise<ApiKeyPrincipal> {
  const match = /^Bearer ([^:\s]+):(\S+)$/i.exec(authorization?.trim() ?? '');
  const org = match?.[1];
  const key = match?.[2];
  if (!org || !key || !Id.safeParse(org).success || !KEY_PATTERN.test(key)) {
    throw new InvalidApiKeyError('malformed authorization header');
  }
  const hash = hashApiKey(key);
  const stored = await deps.keys.findByHash(hash);
  if (!stored) throw new InvalidApiKeyError('unknown key');
  if (stored.revokedAt) throw new InvalidApiKeyError(`revoked key ${stored.keyId}`);
  if (stored.org !== org) throw new InvalidApiKeyError(`key ${stored.keyId} used with another org id`);
  await deps.keys.touch(hash, deps.now);
  return { org: stored.org, keyId: stored.keyId };
}

export async function throttleApiKey(
  keyId: string,
  deps: { keys: ApiKeysRepository; now: Date; policy: ThrottlePolicy },
): Promise<void> {
  const decision = await deps.keys.takeToken(keyId, deps.now, deps.policy);
  if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds);
}

/** A token bucket's level after refilling from `at` to `now` (pure; the repository stores it). */
export function refilledTokens(state: { tokens: number; at: number } | undefined, nowMs: number, policy: ThrottlePolicy): number {
  if (!state) return policy.burst;
  const elapsed = Math.max(0, nowMs - state.at) / 1000;
  return Math.min(policy.burst, state.tokens + elapsed * policy.ratePerSecond);
}
