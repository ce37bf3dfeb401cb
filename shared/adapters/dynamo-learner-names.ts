import { type DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { UserRecord } from '../domain/records.ts';
import {
  batchGetAll,
  batchPutAll,
  type Item,
  inParallel,
  projectionOf,
  UNPROCESSED_RETRY,
  type UnprocessedRetry,
} from './dynamo-batches.ts';
// A cycle with the records repository, which writes through this class: only used inside functions.
import { RECORD_KEYS } from './dynamo-records-repository.ts';

/**
 * Copies of each learner's name and email beside their enrolments, so a course report reads a
 * batch's learners and their names in the same Query instead of one profile BatchGet per hundred
 * learners (on dynalite those gets were two thirds of the enrollments report's time; on AWS they
 * are half a read unit per learner).
 *
 * | item         | pk                                 | sk                          |
 * | name copy    | LEARNERS#{course}#{batch}#{bucket} | ENROL#{user}#NAME           |
 * | enrolled in  | ENROLLED#{user}                    | {course}#{batch}            |
 *
 * A copy sorts after its enrolment and the learner's attempts and consent, before the next
 * learner's enrolment, so the reader groups it with its enrolment as it does attempts. The copy holds
 * only the profile attributes in `COPIED_PROFILE_FIELDS`; a learner without a profile has a copy
 * with neither, so a reader can tell "no profile" from "no copy yet".
 *
 * Copies are refreshed after every write that can change them: an enrolment (its own copy) and a
 * profile (the copies of every enrolment listed under ENROLLED#{user}). Two rules keep a copy
 * equal to its profile without transactions, whatever runs at once:
 * - The enrolment's ENROLLED entry is written before its profile is read, and a profile is
 *   written before its ENROLLED entries are read (both strongly consistent): of an enrolment and
 *   a profile written at once, at least one side sees the other, and that side writes the copy.
 * - After writing copies, the profiles are read again; a copy whose profile changed meanwhile (a
 *   slower refresh may have overwritten a newer copy) is written again, until the two agree.
 * A copy that is missing (written before this existed, or lost to a crash between the enrolment
 * and its copy) is never wrong: readers then fetch that learner's profile as before. A call that
 * fails after a profile but before its copies leaves them stale until the call is sent again (as
 * a failed call must be): every profile written refreshes its copies, changed or not.
 */
export const COPIED_PROFILE_FIELDS = ['name', 'email'] as const;
export type CopiedProfile = Pick<UserRecord, 'userId' | (typeof COPIED_PROFILE_FIELDS)[number]>;

export const NAME_COPY_KIND = 'learner-name';
const ENROLLED_KIND = 'enrolled-in';

/** One enrolment whose copy is kept: the learner and the batch. */
export interface EnrolledIn {
  userId: string;
  courseId: string;
  batchId: string;
}

export const LEARNER_NAME_KEYS = {
  copy: ({ courseId, batchId, userId }: EnrolledIn) => {
    const enrolment = RECORD_KEYS.enrolment(courseId, batchId, userId);
    return { pk: enrolment.pk, sk: `${enrolment.sk}#NAME` };
  },
  enrolledOf: (userId: string) => `ENROLLED#${userId}`,
  enrolled: ({ courseId, batchId, userId }: EnrolledIn) => ({
    pk: LEARNER_NAME_KEYS.enrolledOf(userId),
    sk: `${courseId}#${batchId}`,
  }),
};

/** Rounds of write-and-check before giving up on profiles that keep changing under the copies. */
const MAX_ROUNDS = 5;
const USERS_QUERIED_AT_ONCE = 16;

const sameCopy = (a: CopiedProfile | undefined, b: CopiedProfile | undefined) =>
  a?.name === b?.name && a?.email === b?.email && (a === undefined) === (b === undefined);

export class LearnerNameCopies {
  constructor(
    private readonly tableName: string,
    private readonly db: DynamoDBDocumentClient,
    private readonly retry: UnprocessedRetry = UNPROCESSED_RETRY,
  ) {}

  /**
   * After a call's writes: the copies of the enrolments it wrote, and of every enrolment of the
   * users whose profiles it wrote. The profiles must already be written, the enrolments too.
   */
  async refreshAfterWrites(written: { enrolments: readonly EnrolledIn[]; profiles: readonly string[] }): Promise<void> {
    if (written.enrolments.length === 0 && written.profiles.length === 0) return;
    await batchPutAll(
      this.db,
      this.tableName,
      written.enrolments.map((e) => ({
        ...LEARNER_NAME_KEYS.enrolled(e),
        kind: ENROLLED_KIND,
        courseId: e.courseId,
        batchId: e.batchId,
      })),
      this.retry,
    );
    const ofProfiles = await this.enrolmentsOf(written.profiles);
    await this.refresh([...written.enrolments, ...ofProfiles]);
  }

  /** Writes the copies of these enrolments from their profiles, again while a profile changed meanwhile. */
  async refresh(enrolments: readonly EnrolledIn[]): Promise<void> {
    let pending = [...new Map(enrolments.map((e) => [`${e.courseId}#${e.batchId}#${e.userId}`, e])).values()];
    let profiles = await this.profiles(pending);
    for (let round = 0; pending.length > 0; round += 1) {
      if (round === MAX_ROUNDS) {
        throw new Error(`learner profiles kept changing while their copies were written (${MAX_ROUNDS} rounds)`);
      }
      const written = profiles;
      await batchPutAll(
        this.db,
        this.tableName,
        pending.map((e) => ({
          ...LEARNER_NAME_KEYS.copy(e),
          kind: NAME_COPY_KIND,
          userId: e.userId,
          ...copiedFields(written.get(e.userId)),
        })),
        this.retry,
      );
      profiles = await this.profiles(pending);
      pending = pending.filter((e) => !sameCopy(written.get(e.userId), profiles.get(e.userId)));
    }
  }

  /** Every enrolment listed for these users (strongly consistent: see the class comment). */
  async enrolmentsOf(userIds: readonly string[]): Promise<EnrolledIn[]> {
    const found: EnrolledIn[] = [];
    await inParallel([...new Set(userIds)], USERS_QUERIED_AT_ONCE, async (userId) => {
      const pages = paginateQuery(
        { client: this.db },
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': LEARNER_NAME_KEYS.enrolledOf(userId) },
          ConsistentRead: true,
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          found.push({ userId, courseId: item.courseId as string, batchId: item.batchId as string });
        }
      }
    });
    return found;
  }

  private async profiles(enrolments: readonly EnrolledIn[]): Promise<Map<string, CopiedProfile>> {
    const items = await batchGetAll(
      this.db,
      this.tableName,
      [...new Set(enrolments.map((e) => e.userId))].map(RECORD_KEYS.user),
      {
        consistent: true,
        retry: this.retry,
        projection: projectionOf(['userId', ...COPIED_PROFILE_FIELDS]),
      },
    );
    return new Map(items.map((item) => [item.userId as string, item as CopiedProfile]));
  }
}

function copiedFields(profile: CopiedProfile | undefined): Item {
  const fields: Item = {};
  for (const field of COPIED_PROFILE_FIELDS) if (profile?.[field] !== undefined) fields[field] = profile[field];
  return fields;
}

/**
 * The profile a copy item stands for: undefined when the learner had no profile when it was
 * written (every profile has a name, so a copy without one stands for none).
 */
export function profileOfCopy(item: Item): CopiedProfile | undefined {
  if (item.name === undefined) return undefined;
  return { userId: item.userId as string, ...copiedFields(item as CopiedProfile) } as CopiedProfile;
}
