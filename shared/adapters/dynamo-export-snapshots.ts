import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ExportSnapshotRefresher } from '../domain/export-snapshots.ts';
import type { LearnerWrite } from '../domain/learner-ports.ts';
import { type ExportActivity, emptyActivity } from '../domain/org-exports.ts';
import { clients } from './aws-clients.ts';
import {
  batchGetAll,
  type Item,
  inParallel,
  type Key,
  queryAll,
  recordOf,
  UNPROCESSED_RETRY,
  type UnprocessedRetry,
} from './dynamo-batches.ts';
import {
  DynamoLearnerRecordsRepository,
  type ExportSnapshot,
  itemsOf,
  LEARNER_KEYS,
  snapshotOf,
} from './dynamo-learner-records.ts';

export type { ExportSnapshot };

/**
 * Each user's export snapshot: what an org export reads of their `USER#{user}` partition, kept as
 * one item so an export reads a page of 100 users with one BatchGet of snapshots and profiles
 * instead of 100 Queries.
 *
 * | pk                | sk         | holds                                                          |
 * | EXPORTSNAP#{user} | #SNAPSHOT  | `seq` (bumped by every ingestion that wrote the partition), `snapSeq` (the bump the stored snapshot was read after), `activity` (the ExportActivity without the profile, as JSON) or `tooLarge` |
 *
 * A partition of its own, not an item of `USER#{user}`: the statistics page and the fallback read
 * the whole user partition, which should not carry a copy of itself.
 *
 * Freshness, without transactions (DESIGN §7): an ingestion writes its records, then bumps `seq`
 * of every user whose partition it wrote (UpdateItem ADD, atomic, returning the new value n), then
 * reads the partition with a strongly consistent Query, then stores the snapshot with the condition
 * `snapSeq < n`. The read after the highest bump started after every earlier ingestion's records
 * were written, so whichever order the snapshots land in, the one kept has everything. An export
 * serves a snapshot only when `snapSeq = seq` (no bump since the read it came from) and reads the
 * partition itself otherwise: a refresh under way, a refresh that crashed after its bump, a
 * partition too large for one item, or a user stored before snapshots existed.
 */
export const SNAPSHOT_KEY = (userId: string): Key => ({ pk: `EXPORTSNAP#${userId}`, sk: '#SNAPSHOT' });

/**
 * Above this many bytes of JSON the snapshot is not stored (DynamoDB items stop at 400 KB, keys and
 * attribute names included): a `tooLarge` marker sends the export to the partition for that user.
 */
export const MAX_SNAPSHOT_BYTES = 350_000;

const REFRESHES_AT_ONCE = 16;

/**
 * The partition minus what the export never reads, as key ranges (not a filter: filtered-out items
 * would still be read): `#PROFILE` (read apart), `ANSWER#` (answers, the bulk of a learner's items)
 * and `RECEIVED#` (others' replies and likes). `$` sorts right after `#`, so `ANSWER$` is above every
 * `ANSWER#…` and `RECEIVED$` above every `RECEIVED#…`.
 */
const SNAPSHOT_RANGES: readonly { from: string; to?: string }[] = [{ from: 'ANSWER$', to: 'RECEIVED#' }, { from: 'RECEIVED$' }];

/** Whether an item of a user partition is one the snapshot reads: the same ranges as the Queries. */
export const inSnapshotRange = (sk: string) =>
  SNAPSHOT_RANGES.some((range) => sk >= range.from && (range.to === undefined || sk <= range.to));

/**
 * What a learner write does to snapshots, read off the very items the repository writes (its
 * `itemsOf`), so a new kind of item filed on someone's partition cannot be missed: `changed`, the
 * users whose partition got an item the snapshot holds (answers and received replies or likes do
 * not change it); `profiled`, the other users of the call, who need a snapshot only if they have
 * none yet (the profile is not part of it).
 */
export function snapshotsTouchedBy(write: LearnerWrite): { changed: string[]; profiled: string[] } {
  const prefix = LEARNER_KEYS.user('');
  const changed = new Set<string>();
  for (const record of write.records) {
    const { owned, plain } = itemsOf(record, write.entities);
    for (const item of owned ? [owned, ...plain] : plain) {
      const pk = String(item.pk);
      if (pk.startsWith(prefix) && inSnapshotRange(String(item.sk))) changed.add(pk.slice(prefix.length));
    }
  }
  return { changed: [...changed], profiled: [...new Set(write.users.map((u) => u.userId))].filter((u) => !changed.has(u)) };
}

/**
 * The learner records repository with export snapshots: the same reads and writes, plus the
 * snapshot refresh ingestion runs after each write, and an `exportActivities` that reads snapshots
 * and profiles by BatchGet and falls back to the partition Query user by user where it must.
 */
export class SnapshotLearnerRecords extends DynamoLearnerRecordsRepository implements ExportSnapshotRefresher {
  constructor(
    private readonly table: string,
    private readonly client: DynamoDBDocumentClient = clients.dynamo,
    private readonly unprocessedRetry: UnprocessedRetry = UNPROCESSED_RETRY,
    private readonly maxSnapshotBytes: number = MAX_SNAPSHOT_BYTES,
  ) {
    super(table, client, unprocessedRetry);
  }

  async refreshExportSnapshots(write: LearnerWrite): Promise<void> {
    const { changed, profiled } = snapshotsTouchedBy(write);
    const existing = await batchGetAll(this.client, this.table, profiled.map(SNAPSHOT_KEY), {
      projection: { expression: '#pk', names: { '#pk': 'pk' } },
      retry: this.unprocessedRetry,
    });
    const have = new Set(existing.map((item) => String(item.pk)));
    await this.refreshUsers([...changed, ...profiled.filter((userId) => !have.has(SNAPSHOT_KEY(userId).pk))]);
  }

  /** Recomputes these users' snapshots from their partitions (see the race rule above). */
  async refreshUsers(userIds: readonly string[]): Promise<void> {
    await inParallel(userIds, REFRESHES_AT_ONCE, async (userId) => {
      const seq = await this.bump(userId);
      const snapshot = await this.readSnapshot(userId);
      await this.store(userId, seq, snapshot);
    });
  }

  /**
   * One-off, for users stored before snapshots existed (their exports read their partitions until
   * their next ingestion): scans the table once for user profiles and refreshes each of those users.
   * Safe to run at any time and again: a refresh follows the same race rule as ingestion's.
   */
  async backfillExportSnapshots(): Promise<number> {
    let refreshed = 0;
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.table,
        FilterExpression: 'begins_with(pk, :user) AND sk = :profile',
        ExpressionAttributeValues: { ':user': LEARNER_KEYS.user(''), ':profile': '#PROFILE' },
        ProjectionExpression: 'pk',
      },
    );
    for await (const page of pages) {
      const userIds = (page.Items ?? []).map((item) => String(item.pk).slice(LEARNER_KEYS.user('').length));
      await this.refreshUsers(userIds);
      refreshed += userIds.length;
    }
    return refreshed;
  }

  /** The steps of a refresh are protected so a test can pause or break one between the others. */
  protected async bump(userId: string): Promise<number> {
    const out = await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: SNAPSHOT_KEY(userId),
        UpdateExpression: 'ADD seq :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.seq);
  }

  /** The partition as the export needs it, read strongly consistent (it must see the records just written). */
  protected async readSnapshot(userId: string): Promise<ExportSnapshot> {
    const ranges = await Promise.all(
      SNAPSHOT_RANGES.map((range) =>
        queryAll(this.client, {
          TableName: this.table,
          KeyConditionExpression: range.to === undefined ? 'pk = :pk AND sk >= :from' : 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': LEARNER_KEYS.user(userId),
            ':from': range.from,
            ...(range.to === undefined ? {} : { ':to': range.to }),
          },
          ConsistentRead: true,
        }),
      ),
    );
    return snapshotOf(ranges.flat());
  }

  /** Stores the snapshot read after bump `seq`, unless one read after a later bump is already there. */
  protected async store(userId: string, seq: number, snapshot: ExportSnapshot): Promise<void> {
    const json = JSON.stringify(snapshot);
    const fits = Buffer.byteLength(json) <= this.maxSnapshotBytes;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: SNAPSHOT_KEY(userId),
          UpdateExpression: fits
            ? 'SET activity = :activity, snapSeq = :seq REMOVE tooLarge'
            : 'SET tooLarge = :yes, snapSeq = :seq REMOVE activity',
          ConditionExpression: 'attribute_not_exists(snapSeq) OR snapSeq < :seq',
          ExpressionAttributeValues: { ':seq': seq, ...(fits ? { ':activity': json } : { ':yes': true }) },
        }),
      );
    } catch (error) {
      // A refresh that bumped later has stored a fresher snapshot: this one is not needed.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Snapshots and profiles by BatchGet; the partition Query only for users whose snapshot cannot serve. */
  override async exportActivities(userIds: readonly string[]): Promise<Map<string, ExportActivity>> {
    const keys = userIds.flatMap((userId) => [SNAPSHOT_KEY(userId), { pk: LEARNER_KEYS.user(userId), sk: '#PROFILE' }]);
    const items = await batchGetAll(this.client, this.table, keys, { retry: this.unprocessedRetry });
    const profiles = new Map<string, Item>();
    const snapshots = new Map<string, Item>();
    for (const item of items) {
      const pk = String(item.pk);
      if (item.sk === '#PROFILE') profiles.set(pk.slice(LEARNER_KEYS.user('').length), item);
      else snapshots.set(pk.slice(SNAPSHOT_KEY('').pk.length), item);
    }
    const found = new Map<string, ExportActivity>();
    const fallback: string[] = [];
    for (const userId of userIds) {
      const profile = profiles.get(userId);
      // No profile: the partition read would find none either, and the user has no row.
      if (!profile) continue;
      const snapshot = snapshots.get(userId);
      if (snapshot && typeof snapshot.activity === 'string' && snapshot.snapSeq === snapshot.seq) {
        found.set(userId, { ...emptyActivity(recordOf(profile)), ...(JSON.parse(snapshot.activity) as ExportSnapshot) });
      } else {
        fallback.push(userId);
      }
    }
    if (fallback.length > 0) for (const [userId, activity] of await super.exportActivities(fallback)) found.set(userId, activity);
    return found;
  }
}
