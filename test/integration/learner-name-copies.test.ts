import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '#shared/adapters/dynamo-batches';
import { DynamoCourseReportsReader } from '#shared/adapters/dynamo-course-reports-reader';
import { LEARNER_NAME_KEYS } from '#shared/adapters/dynamo-learner-names';
import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import type { LearnerProgress } from '#shared/course-reports/ports';
import { type LearningRecord, LearningRecordSchema } from '#shared/domain/records';
import { type Emulators, startEmulators } from '../support/emulators.ts';
import { batch, course, enrolment } from '../support/fixtures.ts';

/**
 * The learners' name copies beside their enrolments (adapters/dynamo-learner-names) on dynalite:
 * the course reports read names from them instead of fetching profiles, so every way a profile or
 * an enrolment is written must leave each copy equal to its profile.
 */
let emulators: Emulators;
let repository: DynamoRecordsRepository;
/** The commands sent through the shared client, by name, since `countFrom` was last called. */
let sent: string[] = [];

const batch2 = { ...batch, batchId: 'batch-2', name: 'Batch Two' };
const user = (userId: string, name: string, email?: string) => ({
  kind: 'user',
  org: 'org-1',
  userId,
  name,
  ...(email ? { email } : {}),
  phone: '+91 9810000000',
});
const put = (records: unknown[]) => repository.putRecords(records.map((r) => LearningRecordSchema.parse(r)) as LearningRecord[]);

async function names(batchId: string): Promise<Record<string, LearnerProgress['profile'] | null>> {
  const reader = new DynamoCourseReportsReader(emulators.tables.records, emulators.db);
  const out: Record<string, LearnerProgress['profile'] | null> = {};
  for await (const page of reader.learnerPages('course-1', batchId)) {
    for (const learner of page) out[learner.enrolment.userId] = learner.profile ?? null;
  }
  return out;
}

/**
 * Runs `meanwhile` once, just before the first batch write that puts an item `matches` picks, and
 * then lets that write go on: another writer's work, forced in at that point of this one's.
 */
async function racing(matches: (item: Item) => boolean, meanwhile: () => Promise<unknown>, work: () => Promise<unknown>) {
  let raced = false;
  emulators.db.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { RequestItems?: Record<string, unknown> };
      const hit = Object.values(input.RequestItems ?? {}).some(
        (requests) =>
          Array.isArray(requests) &&
          requests.some((r: { PutRequest?: { Item: Item } }) => r.PutRequest && matches(r.PutRequest.Item)),
      );
      if (hit && !raced) {
        raced = true;
        await meanwhile();
      }
      return next(args);
    },
    { step: 'initialize', name: 'racing' },
  );
  try {
    await work();
  } finally {
    emulators.db.middlewareStack.remove('racing');
  }
  expect(raced).toBe(true);
}

beforeAll(async () => {
  emulators = await startEmulators();
  emulators.db.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName as string);
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  repository = new DynamoRecordsRepository(emulators.tables.records, emulators.db);
  await put([
    course,
    batch,
    batch2,
    user('u1', 'Ana', 'ana@example.org'),
    enrolment({ userId: 'u1' }),
    enrolment({ userId: 'u1', batchId: 'batch-2' }),
    // u2 has no profile yet; u3 has one without an email.
    enrolment({ userId: 'u2' }),
    user('u3', 'Caio'),
    enrolment({ userId: 'u3' }),
  ]);
});
afterAll(async () => emulators?.stop());

describe('learner name copies against DynamoDB (dynalite)', () => {
  it('gives the course reports each learner’s name and email from the copies, with no profile read', async () => {
    sent = [];
    expect(await names('batch-1')).toEqual({
      u1: { userId: 'u1', name: 'Ana', email: 'ana@example.org' },
      u2: null,
      u3: { userId: 'u3', name: 'Caio' },
    });
    expect(sent).not.toContain('BatchGetItemCommand');
    expect(sent).toContain('QueryCommand');
  });

  it('rewrites the copies in every batch when a profile changes, and when a missing one arrives', async () => {
    await put([user('u1', 'Ana Lima', 'ana.lima@example.org'), user('u2', 'Bia', 'bia@example.org')]);
    expect(await names('batch-1')).toEqual({
      u1: { userId: 'u1', name: 'Ana Lima', email: 'ana.lima@example.org' },
      u2: { userId: 'u2', name: 'Bia', email: 'bia@example.org' },
      u3: { userId: 'u3', name: 'Caio' },
    });
    expect(await names('batch-2')).toEqual({ u1: { userId: 'u1', name: 'Ana Lima', email: 'ana.lima@example.org' } });
    // An email taken away is taken from the copy too.
    await put([user('u1', 'Ana Lima')]);
    expect((await names('batch-2')).u1).toEqual({ userId: 'u1', name: 'Ana Lima' });
  });

  it('mends copies left behind by a call that failed after its profile, when the call is sent again', async () => {
    emulators.db.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'QueryCommand' && JSON.stringify(args.input).includes('ENROLLED#u1')) {
          throw new Error('connection reset');
        }
        return next(args);
      },
      { step: 'initialize', name: 'failEnrolledQuery' },
    );
    try {
      await expect(put([user('u1', 'Ana Maria')])).rejects.toThrow('connection reset');
    } finally {
      emulators.db.middlewareStack.remove('failEnrolledQuery');
    }
    // The profile changed, its copies did not: what the failed call leaves until it is sent again.
    expect((await names('batch-2')).u1).toEqual({ userId: 'u1', name: 'Ana Lima' });
    await put([user('u1', 'Ana Maria')]);
    expect((await names('batch-1')).u1).toEqual({ userId: 'u1', name: 'Ana Maria' });
    expect((await names('batch-2')).u1).toEqual({ userId: 'u1', name: 'Ana Maria' });
  });

  it('refreshes the copies of the profiles a call wrote even when another of its records is refused', async () => {
    // The same course claimed by another organisation: refused on every resend, so the profile
    // written beside it must not leave its copies behind.
    const refused = put([user('u1', 'Ana Maria Lima'), { ...course, org: 'org-2' }]);
    await expect(refused).rejects.toThrow(/another organisation/);
    expect((await names('batch-1')).u1).toEqual({ userId: 'u1', name: 'Ana Maria Lima' });
    expect((await names('batch-2')).u1).toEqual({ userId: 'u1', name: 'Ana Maria Lima' });
  });

  it('keeps the copy when an enrolment is sent again with new progress', async () => {
    await put([enrolment({ userId: 'u3', startedAt: '2026-01-03T00:00:00.000Z' })]);
    expect((await names('batch-1')).u3).toEqual({ userId: 'u3', name: 'Caio' });
  });

  it('reads the profile instead for a learner whose copy is missing (older data, or a crash before it)', async () => {
    await emulators.db.send(
      new DeleteCommand({
        TableName: emulators.tables.records,
        Key: LEARNER_NAME_KEYS.copy({ courseId: 'course-1', batchId: 'batch-1', userId: 'u2' }),
      }),
    );
    sent = [];
    expect((await names('batch-1')).u2).toEqual({ userId: 'u2', name: 'Bia', email: 'bia@example.org' });
    expect(sent.filter((name) => name === 'BatchGetItemCommand')).toHaveLength(1);
  });

  it('writes a copy again when its profile changed while it was being written', async () => {
    // The profile changes between this refresh's read of it and its write of the copy, the way a
    // concurrent profile write whose own refresh finished first would leave a stale copy behind.
    await racing(
      (item) => item.sk === 'ENROL#u3#NAME',
      () =>
        emulators.db.send(
          new PutCommand({
            TableName: emulators.tables.records,
            Item: { pk: 'USER#u3', sk: '#PROFILE', ...user('u3', 'Caio Souza', 'caio@example.org') },
          }),
        ),
      () => put([enrolment({ userId: 'u3', completedAt: '2026-01-09T00:00:00.000Z' })]),
    );
    const copy = await emulators.db.send(
      new GetCommand({
        TableName: emulators.tables.records,
        Key: LEARNER_NAME_KEYS.copy({ courseId: 'course-1', batchId: 'batch-1', userId: 'u3' }),
      }),
    );
    expect(copy.Item).toMatchObject({ name: 'Caio Souza', email: 'caio@example.org' });
    expect((await names('batch-1')).u3).toEqual({ userId: 'u3', name: 'Caio Souza', email: 'caio@example.org' });
  });

  it('gives a new enrolment its learner’s new name when the profile changes as the enrolment is written', async () => {
    // The profile changes, and its own refresh runs, just before the enrolment's ENROLLED entry is
    // written: that refresh cannot see the enrolment yet, so the enrolment's side must read the
    // profile only after writing the entry. Were the entry written after the profile read, the
    // copy would keep the old name for good.
    await put([user('u5', 'Eva')]);
    await racing(
      (item) => item.pk === 'ENROLLED#u5',
      () => put([user('u5', 'Eva Rocha', 'eva@example.org')]),
      () => put([enrolment({ userId: 'u5' })]),
    );
    expect((await names('batch-1')).u5).toEqual({ userId: 'u5', name: 'Eva Rocha', email: 'eva@example.org' });
  });

  it('backfills the copies of enrolments stored before copies existed', async () => {
    // An enrolment as an older release stored it: the item alone, no ENROLLED entry, no copy.
    await emulators.db.send(
      new DeleteCommand({
        TableName: emulators.tables.records,
        Key: LEARNER_NAME_KEYS.copy({ courseId: 'course-1', batchId: 'batch-2', userId: 'u1' }),
      }),
    );
    await emulators.db.send(
      new DeleteCommand({
        TableName: emulators.tables.records,
        Key: LEARNER_NAME_KEYS.enrolled({ courseId: 'course-1', batchId: 'batch-2', userId: 'u1' }),
      }),
    );
    sent = [];
    expect((await names('batch-2')).u1).toEqual({ userId: 'u1', name: 'Ana Maria Lima' });
    expect(sent).toContain('BatchGetItemCommand');

    const done = await repository.backfillCourseReports();
    expect(done.enrolments).toBe(5); // u1 twice, u2, u3, u5
    expect(done.withIds).toBe(0); // every one of these was written with its ids
    sent = [];
    expect((await names('batch-2')).u1).toEqual({ userId: 'u1', name: 'Ana Maria Lima' });
    expect(sent).not.toContain('BatchGetItemCommand');
    // And the learner's next profile change reaches that enrolment's copy through its ENROLLED entry.
    await put([user('u1', 'Ana L.', 'ana@example.org')]);
    expect((await names('batch-2')).u1).toEqual({ userId: 'u1', name: 'Ana L.', email: 'ana@example.org' });
  });
});
