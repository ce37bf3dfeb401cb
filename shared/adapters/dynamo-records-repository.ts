import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ActivityWindow } from '../domain/activity-window.ts';
import { ValidationError } from '../domain/errors.ts';
import type { LearnerPagesOptions, RecordsRepository } from '../domain/ports.ts';
import type {
  AttemptRecord,
  BatchRecord,
  ConsentRecord,
  CourseRecord,
  EnrolmentRecord,
  LearnerBundle,
  LearningRecord,
  SessionRecord,
  StoredEnrolment,
  UserRecord,
} from '../domain/records.ts';
import { finishedExerciseIds, storedEnrolment } from '../domain/records.ts';
import { ALL_BUCKETS, learnerBucket } from '../domain/shards.ts';
import { clients } from './aws-clients.ts';
import { accessItemsFor, COURSE_INDEX_KEYS } from './course-index-items.ts';
import {
  BATCH_GET_LIMIT,
  batchGetAll,
  batchGetChunk,
  batchPutAll,
  chunksOf,
  type Item,
  inParallel,
  type Projection,
  projectionOf,
  recordOf,
  UNPROCESSED_RETRY,
  type UnprocessedRetry,
} from './dynamo-batches.ts';
import { COPIED_PROFILE_FIELDS, LearnerNameCopies, NAME_COPY_KIND, profileOfCopy } from './dynamo-learner-names.ts';
import { orderedPrefetch, Semaphore } from './ordered-prefetch.ts';

/**
 * How many reads a report keeps in flight. On AWS each round trip costs 10–20 ms, so reading a
 * batch's buckets and its profile BatchGets one after another spends most of a writer's time
 * waiting. Pages are still handed over in bucket order, so files are the same either way.
 */
export interface ReadConcurrency {
  /** Query pages (of up to 1 MB) that may be fetched ahead in the buckets after the one being read. */
  pagesAhead: number;
  /** Profile BatchGets (100 keys each) in flight at once. */
  batchGets: number;
}

export const PARALLEL_READS: ReadConcurrency = { pagesAhead: 8, batchGets: 8 };
/** One read at a time, bucket after bucket: how reports read before issue 8 (kept for the benchmark). */
export const SEQUENTIAL_READS: ReadConcurrency = { pagesAhead: 0, batchGets: 1 };

/**
 * The attributes a reader uses of each record, for `projectedLearnerPages`: only these come back
 * from DynamoDB (a ProjectionExpression), so a report that shows a handful of fields neither
 * transfers nor parses what else the records carry (profile fields it does not show, completed
 * content, certificates). The ids the pages are grouped by (`kind`, `userId`) are always read.
 */
export interface LearnerProjection {
  enrolment: readonly (keyof StoredEnrolment)[];
  profile: readonly (keyof UserRecord)[];
  session: readonly (keyof SessionRecord)[];
}

/** A learner as a projected read returns it: only the projected attributes, and no consent or attempts. */
export interface ProjectedLearner<P extends LearnerProjection> {
  enrolment: Pick<StoredEnrolment, P['enrolment'][number] | 'userId' | 'kind'>;
  profile?: Pick<UserRecord, P['profile'][number] | 'userId'> | undefined;
  sessions?: Pick<SessionRecord, P['session'][number] | 'userId'>[] | undefined;
}

/** The projections of one projected read, keys included. */
interface ReadProjections {
  enrolment: Projection;
  profile: Projection;
  session: Projection;
  /** The profile fields asked for are all copied beside the enrolments (dynamo-learner-names): read the copies. */
  fromCopies: boolean;
}

/** A learner as read from a page: `copied` when its profile came from the copy beside its enrolment. */
type ReadBundle = LearnerBundle & { copied?: boolean };

/**
 * LearningRecords, one table shaped by the reports' reads:
 *
 * | record     | pk                          | sk                                   |
 * | course     | COURSE#{course}             | #COURSE                              |
 * | batch      | COURSE#{course}             | BATCH#{batch}                        |
 * | user       | USER#{user}                 | #PROFILE                             |
 * | enrolment  | LEARNERS#{course}#{batch}#{bucket} | ENROL#{user}                  |
 * | consent    | LEARNERS#{course}#{batch}#{bucket} | ENROL#{user}#CONSENT          |
 * | attempt    | LEARNERS#{course}#{batch}#{bucket} | ENROL#{user}#ATTEMPT#{assessment}#{attempt} |
 * | session    | SESSIONS#{course}#{batch}#{bucket} | {user}#{startedAt}                   |
 *
 * A learner's records share one of 16 buckets (a hash of the user id, see domain/shards). One
 * paginated Query per bucket returns each learner's enrolment followed by their consent and
 * attempts ('#' sorts below every character an id may hold), so a report streams learner by
 * learner; profiles come by BatchGet, 100 at a time. Activity sessions live in partitions of their
 * own, bucketed the same way, so the exhaust reports never read them and the user activity report
 * reads one user id range per page of learners (adapters/dynamo-course-reports-reader).
 * The course dashboard's access index and per-batch enrolment counts live in the same table (see
 * course-index-items.ts).
 */
export const RECORD_KEYS = {
  course: (courseId: string) => ({ pk: `COURSE#${courseId}`, sk: '#COURSE' }),
  batch: (courseId: string, batchId: string) => ({ pk: `COURSE#${courseId}`, sk: `BATCH#${batchId}` }),
  user: (userId: string) => ({ pk: `USER#${userId}`, sk: '#PROFILE' }),
  learners: (courseId: string, batchId: string, bucket: number) =>
    `LEARNERS#${courseId}#${batchId}#${String(bucket).padStart(2, '0')}`,
  learnersOf: (courseId: string, batchId: string, userId: string) =>
    RECORD_KEYS.learners(courseId, batchId, learnerBucket(userId)),
  enrolment: (courseId: string, batchId: string, userId: string) => ({
    pk: RECORD_KEYS.learnersOf(courseId, batchId, userId),
    sk: `ENROL#${userId}`,
  }),
  sessions: (courseId: string, batchId: string, bucket: number) =>
    `SESSIONS#${courseId}#${batchId}#${String(bucket).padStart(2, '0')}`,
};

function keysOf(record: LearningRecord): Item {
  switch (record.kind) {
    case 'course':
      return RECORD_KEYS.course(record.courseId);
    case 'batch':
      return RECORD_KEYS.batch(record.courseId, record.batchId);
    case 'user':
      return RECORD_KEYS.user(record.userId);
    case 'enrolment':
      return RECORD_KEYS.enrolment(record.courseId, record.batchId, record.userId);
    case 'consent':
      return { pk: RECORD_KEYS.learnersOf(record.courseId, record.batchId, record.userId), sk: `ENROL#${record.userId}#CONSENT` };
    case 'attempt':
      return {
        pk: RECORD_KEYS.learnersOf(record.courseId, record.batchId, record.userId),
        sk: `ENROL#${record.userId}#ATTEMPT#${record.assessmentId}#${record.attemptId}`,
      };
    case 'session':
      return {
        pk: RECORD_KEYS.sessions(record.courseId, record.batchId, learnerBucket(record.userId)),
        sk: `${record.userId}#${record.startedAt}`,
      };
  }
}

const OWNED_WRITES_AT_ONCE = 16;

export class DynamoRecordsRepository implements RecordsRepository {
  private readonly nameCopies: LearnerNameCopies;

  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient = clients.dynamo,
    /** Items per Query page; DynamoDB's 1 MB page when unset. Small pages test page boundaries. */
    private readonly pageSize?: number,
    private readonly reads: ReadConcurrency = PARALLEL_READS,
    private readonly retry: UnprocessedRetry = UNPROCESSED_RETRY,
  ) {
    this.nameCopies = new LearnerNameCopies(tableName, db, retry);
  }

  async getCourse(courseId: string): Promise<CourseRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: RECORD_KEYS.course(courseId) }));
    return out.Item ? recordOf<CourseRecord>(out.Item) : undefined;
  }

  async getBatch(courseId: string, batchId: string): Promise<BatchRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: RECORD_KEYS.batch(courseId, batchId) }));
    return out.Item ? recordOf<BatchRecord>(out.Item) : undefined;
  }

  learnerPages(courseId: string, batchId: string, options: LearnerPagesOptions): AsyncIterable<LearnerBundle[]> {
    return this.pagesOf(courseId, batchId, options, undefined);
  }

  /**
   * The same pages read with a projection: each record holds only the attributes `projection` names
   * (and the ids), and only enrolment items come back (a filter on `kind`: consent and attempts are
   * read by DynamoDB but neither sent nor parsed). For readers that show a few fields of each learner.
   */
  projectedLearnerPages<P extends LearnerProjection>(
    courseId: string,
    batchId: string,
    options: LearnerPagesOptions,
    projection: P,
  ): AsyncIterable<ProjectedLearner<P>[]> {
    const copied: readonly string[] = COPIED_PROFILE_FIELDS;
    // A copy tells "no profile" by having no name (every profile has one): so only with the name.
    const fromCopies =
      options.withProfiles === true &&
      projection.profile.includes('name') &&
      projection.profile.every((field) => field === 'userId' || copied.includes(field));
    const projections: ReadProjections = {
      // A copy item's fields come back through the same projection as its enrolment.
      enrolment: projectionOf(['kind', 'userId', ...projection.enrolment, ...(fromCopies ? projection.profile : [])]),
      profile: projectionOf(['userId', ...projection.profile]),
      session: projectionOf(['userId', ...projection.session]),
      fromCopies,
    };
    return this.projectedPages<P>(this.pagesOf(courseId, batchId, options, projections), options.sessionsIn !== undefined);
  }

  /** Learners as a projected read has them: their records hold exactly the projected attributes. */
  private async *projectedPages<P extends LearnerProjection>(
    pages: AsyncIterable<ReadBundle[]>,
    withSessions: boolean,
  ): AsyncIterable<ProjectedLearner<P>[]> {
    for await (const page of pages) {
      yield page.map(({ enrolment, profile, sessions }) =>
        withSessions ? { enrolment, profile, sessions } : { enrolment, profile },
      ) as ProjectedLearner<P>[];
    }
  }

  private async *pagesOf(
    courseId: string,
    batchId: string,
    options: LearnerPagesOptions,
    projections: ReadProjections | undefined,
  ): AsyncIterable<ReadBundle[]> {
    // Every bucket is queried at once; pages still come out bucket by bucket, as read in order.
    const batchGets = new Semaphore(this.reads.batchGets);
    yield* orderedPrefetch(
      (options.buckets ?? ALL_BUCKETS).map(
        (bucket) => () => this.bucketPages(courseId, batchId, bucket, options, batchGets, projections),
      ),
      { maxAhead: this.reads.pagesAhead },
    );
  }

  async countEnrolments(courseId: string, batchId: string, buckets: readonly number[]): Promise<number> {
    let count = 0;
    for (const bucket of buckets) {
      const pages = paginateQuery(
        { client: this.db },
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :enrol)',
          FilterExpression: 'kind = :enrolment',
          ExpressionAttributeValues: {
            ':pk': RECORD_KEYS.learners(courseId, batchId, bucket),
            ':enrol': 'ENROL#',
            ':enrolment': 'enrolment',
          },
          Select: 'COUNT',
        },
      );
      for await (const page of pages) count += page.Count ?? 0;
    }
    return count;
  }

  private async *bucketPages(
    courseId: string,
    batchId: string,
    bucket: number,
    options: LearnerPagesOptions,
    batchGets: Semaphore,
    projections: ReadProjections | undefined,
  ): AsyncIterable<ReadBundle[]> {
    for await (const page of this.bundlePages(courseId, batchId, bucket, projections)) {
      const window = options.sessionsIn;
      const [withProfiles, sessions] = await Promise.all([
        options.withProfiles ? this.withProfiles(page, batchGets, projections?.profile) : page,
        window ? this.pageSessions(courseId, batchId, page, window, projections?.session) : undefined,
      ]);
      yield sessions
        ? withProfiles.map((bundle) => ({ ...bundle, sessions: sessions.get(bundle.enrolment.userId) ?? [] }))
        : withProfiles;
    }
  }

  /** The sessions of one page of learners (one bucket, user ids in order) that overlap the window. */
  private pageSessions(
    courseId: string,
    batchId: string,
    page: LearnerBundle[],
    window: ActivityWindow,
    projection: Projection | undefined,
  ): Promise<Map<string, SessionRecord[]>> {
    const first = page[0]?.enrolment.userId;
    const last = page.at(-1)?.enrolment.userId;
    if (first === undefined || last === undefined) return Promise.resolve(new Map());
    return this.sessionsBetween(courseId, batchId, learnerBucket(first), first, last, window, projection);
  }

  /**
   * Sessions of the users from `firstUser` to `lastUser` of one bucket (one Query over that user id
   * range), filtered to the window server-side, grouped by user in start order.
   */
  private async sessionsBetween(
    courseId: string,
    batchId: string,
    bucket: number,
    firstUser: string,
    lastUser: string,
    window: ActivityWindow,
    projection: Projection | undefined,
  ): Promise<Map<string, SessionRecord[]>> {
    const byUser = new Map<string, SessionRecord[]>();
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        // '#' sorts below every id character and '~' above every timestamp one: exactly these users.
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
        FilterExpression: 'startedAt <= :to AND endedAt >= :from',
        ...(projection ? { ProjectionExpression: projection.expression, ExpressionAttributeNames: projection.names } : {}),
        ExpressionAttributeValues: {
          ':pk': RECORD_KEYS.sessions(courseId, batchId, bucket),
          ':first': `${firstUser}#`,
          ':last': `${lastUser}#~`,
          ':from': window.from,
          ':to': window.to,
        },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const session = recordOf<SessionRecord>(item);
        const list = byUser.get(session.userId);
        if (list) list.push(session);
        else byUser.set(session.userId, [session]);
      }
    }
    return byUser;
  }

  /**
   * Query pages regrouped so each learner's enrolment, consent and attempts (or, for a projected
   * read, its name copy) stay in one page.
   */
  private async *bundlePages(
    courseId: string,
    batchId: string,
    bucket: number,
    projections: ReadProjections | undefined,
  ): AsyncIterable<ReadBundle[]> {
    const projection = projections?.enrolment;
    let current: ReadBundle | undefined;
    let complete: ReadBundle[] = [];
    const keys = { ':pk': RECORD_KEYS.learners(courseId, batchId, bucket), ':enrol': 'ENROL#' };
    const pages = paginateQuery(
      { client: this.db, ...(this.pageSize ? { pageSize: this.pageSize } : {}) },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :enrol)',
        ...(projection
          ? {
              // Enrolments (and their name copies) only: a projected read has no use for consent or
              // attempts (often the bulk of a partition).
              FilterExpression: projections?.fromCopies ? '#kind IN (:enrolment, :copy)' : '#kind = :enrolment',
              ProjectionExpression: projection.expression,
              ExpressionAttributeNames: { ...projection.names, '#kind': 'kind' },
              ExpressionAttributeValues: {
                ...keys,
                ':enrolment': 'enrolment',
                ...(projections?.fromCopies ? { ':copy': NAME_COPY_KIND } : {}),
              },
            }
          : { ExpressionAttributeValues: keys }),
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const kind = item.kind as LearningRecord['kind'];
        if (kind === 'enrolment') {
          if (current) complete.push(current);
          current = { enrolment: recordOf<EnrolmentRecord>(item), attempts: [] };
        } else if (current && item.userId === current.enrolment.userId) {
          if (kind === 'attempt') current.attempts.push(recordOf<AttemptRecord>(item));
          else if (kind === 'consent') current.consent = recordOf<ConsentRecord>(item);
          else if ((kind as string) === NAME_COPY_KIND && projections?.fromCopies) {
            current.profile = profileOfCopy(item) as UserRecord | undefined;
            current.copied = true;
          }
        }
        // Consent or attempts of a learner with no enrolment are not part of the batch: skipped.
      }
      // The last learner of a page may continue on the next one: it waits for the next page.
      if (complete.length > 0) yield complete;
      complete = [];
    }
    if (current) yield [current];
  }

  /** Each learner's profile: fetched, unless it came with a name copy. */
  private async withProfiles(
    bundles: ReadBundle[],
    batchGets: Semaphore,
    projection: Projection | undefined,
  ): Promise<ReadBundle[]> {
    const missing = bundles.filter((bundle) => !bundle.copied);
    if (missing.length === 0) return bundles;
    const profiles = await this.getUsers(
      missing.map((b) => b.enrolment.userId),
      batchGets,
      projection,
    );
    return bundles.map((bundle) => (bundle.copied ? bundle : { ...bundle, profile: profiles.get(bundle.enrolment.userId) }));
  }

  /**
   * Which exercises these learners of a batch finished, from their results: for enrolments stored
   * before `finishedExerciseIds` was (see domain/records StoredEnrolment).
   */
  async finishedExercisesOf(courseId: string, batchId: string, userIds: readonly string[]): Promise<Map<string, string[]>> {
    const items = await batchGetAll(
      this.db,
      this.tableName,
      userIds.map((userId) => RECORD_KEYS.enrolment(courseId, batchId, userId)),
      { retry: this.retry, projection: projectionOf(['userId', 'exerciseResults']) },
    );
    return new Map(items.map((item) => [item.userId as string, finishedExerciseIds(item as Partial<EnrolmentRecord>)]));
  }

  /**
   * After deploying the course reports' read model: gives every enrolment stored before it its
   * `finishedExerciseIds` (from its own results) and its learner's name copy, in one scan of the
   * table. Safe to run again at any time and alongside ingestion: an enrolment written again
   * meanwhile already has its ids and is left as written. Run it once the deploy has finished: an
   * older release still writing enrolments (without ids) between the scan and the update would
   * keep the ids of the results read. Returns how many enrolments got ids, and how many went through.
   */
  async backfillCourseReports(): Promise<{ withIds: number; enrolments: number }> {
    const done = { withIds: 0, enrolments: 0 };
    const pages = paginateScan(
      { client: this.db },
      {
        TableName: this.tableName,
        FilterExpression: '#kind = :enrolment',
        ProjectionExpression: 'pk, sk, userId, courseId, batchId, exerciseResults, finishedExerciseIds',
        ExpressionAttributeNames: { '#kind': 'kind' },
        ExpressionAttributeValues: { ':enrolment': 'enrolment' },
      },
    );
    for await (const page of pages) {
      const items = page.Items ?? [];
      await inParallel(
        items.filter((item) => item.finishedExerciseIds === undefined),
        OWNED_WRITES_AT_ONCE,
        async (item) => {
          if (await this.addFinishedExerciseIds(item)) done.withIds += 1;
        },
      );
      await this.nameCopies.refreshAfterWrites({ enrolments: items as EnrolmentRecord[], profiles: [] });
      done.enrolments += items.length;
    }
    return done;
  }

  /** Sets an older enrolment's `finishedExerciseIds` from the results read with it, unless it has them by now. */
  private async addFinishedExerciseIds(item: Item): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET finishedExerciseIds = :ids',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(finishedExerciseIds)',
          ExpressionAttributeValues: { ':ids': finishedExerciseIds(item as Partial<EnrolmentRecord>) },
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return false;
    }
  }

  /** Profiles by BatchGet of 100, several in flight (bounded by `batchGets`), each retried with back-off. */
  async getUsers(
    userIds: string[],
    batchGets = new Semaphore(this.reads.batchGets),
    projection?: Projection,
  ): Promise<Map<string, UserRecord>> {
    const users = new Map<string, UserRecord>();
    const chunks = chunksOf([...new Set(userIds)], BATCH_GET_LIMIT);
    await Promise.all(
      chunks.map((chunk) =>
        batchGets.run(async () => {
          const items = await batchGetChunk(this.db, this.tableName, chunk.map(RECORD_KEYS.user), {
            retry: this.retry,
            ...(projection ? { projection } : {}),
          });
          for (const item of items) {
            const user = recordOf<UserRecord>(item);
            users.set(user.userId, user);
          }
        }),
      ),
    );
    return users;
  }

  async putRecords(records: LearningRecord[]): Promise<void> {
    // Courses, batches and users belong to an organisation: each is written only if it is new or
    // already belongs to the same one, whatever raced the use case's own check. Conditions need one
    // PutItem each, so they go a few at a time.
    const owned = records.filter((r): r is Extract<LearningRecord, { org: string }> => 'org' in r);
    // Later records with the same key win, as they would written one after another.
    const latest = new Map(owned.map((r) => [JSON.stringify(keysOf(r)), r]));
    const enrolments = new Map(
      records.filter((r) => r.kind === 'enrolment').map((r) => [`${r.courseId}|${r.batchId}|${r.userId}`, r] as const),
    );
    // What this call wrote whose learners' name copies must follow, even when a later write fails:
    // every profile (changed or not, so sending a failed call again mends its copies) and enrolment.
    const written: { profiles: string[]; enrolments: EnrolmentRecord[] } = { profiles: [], enrolments: [] };
    try {
      await inParallel([...latest.values()], OWNED_WRITES_AT_ONCE, async (record) => {
        await this.putOwned(record);
        if (record.kind === 'user') written.profiles.push(record.userId);
      });
      // The dashboard's access index, written only after the records it points at.
      await this.putPlain(
        [...latest.values()].flatMap((r) => (r.kind === 'course' || r.kind === 'batch' ? accessItemsFor(r) : [])),
      );
      const created = new Map<string, { courseId: string; batchId: string; count: number }>();
      await inParallel([...enrolments.values()], OWNED_WRITES_AT_ONCE, async (record) => {
        const isNew = await this.putEnrolment(record);
        written.enrolments.push(record);
        if (!isNew) return;
        const key = `${record.courseId}|${record.batchId}`;
        const entry = created.get(key) ?? { courseId: record.courseId, batchId: record.batchId, count: 0 };
        entry.count += 1;
        created.set(key, entry);
      });
      for (const { courseId, batchId, count } of created.values()) await this.addEnrolments(courseId, batchId, count);
    } catch (error) {
      // The call's own failure is what its caller must hear of; should this refresh fail too,
      // sending the call again mends the copies all the same.
      await this.nameCopies.refreshAfterWrites(written).catch(() => undefined);
      throw error;
    }
    await this.nameCopies.refreshAfterWrites(written);
    await this.putPlain(
      records.filter((r) => r.kind === 'attempt' || r.kind === 'session').map((record) => ({ ...keysOf(record), ...record })),
    );
    for (const record of records) if (record.kind === 'consent') await this.putConsent(record);
  }

  /** Puts items in BatchWrites of 25; later items with the same key win, as with one PutItem each. */
  private async putPlain(items: Item[]): Promise<void> {
    await batchPutAll(this.db, this.tableName, items, this.retry);
  }

  /**
   * Writes an enrolment; true when this put created it. Only the put that creates an enrolment (a
   * conditional put: DynamoDB lets exactly one such put succeed, even when the same enrolment
   * arrives twice at once) counts it, once per batch per call (`addEnrolments`); sending it again
   * overwrites it and counts nothing. There are no transactions on the emulator (nor needed here):
   * a crash between the puts and the count leaves that call's new enrolments uncounted, never
   * counted twice, so the dashboard's figure can only be low. Reports never use the count.
   */
  private async putEnrolment(enrolment: EnrolmentRecord): Promise<boolean> {
    const item = { ...keysOf(enrolment), ...storedEnrolment(enrolment) };
    try {
      await this.db.send(
        new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: item }));
      return false;
    }
  }

  private async addEnrolments(courseId: string, batchId: string, count: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: COURSE_INDEX_KEYS.enrolments(courseId, batchId),
        UpdateExpression: 'ADD enrolments :count',
        ExpressionAttributeValues: { ':count': count },
      }),
    );
  }

  private async putOwned(record: Extract<LearningRecord, { org: string }>): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keysOf(record), ...record },
          ConditionExpression: 'attribute_not_exists(pk) OR org = :org',
          ExpressionAttributeValues: { ':org': record.org },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ValidationError('A record belongs to another organisation; nothing more was written', [
          { path: `${record.kind}Id`, message: 'belongs to another organisation' },
        ]);
      }
      throw error;
    }
  }

  /** Consent is latest-wins by its own timestamp, so an old event replayed cannot undo a withdrawal. */
  private async putConsent(consent: ConsentRecord): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keysOf(consent), ...consent },
          ConditionExpression: 'attribute_not_exists(pk) OR #at <= :at',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':at': consent.at },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
