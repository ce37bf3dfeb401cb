import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { clients } from '#shared/adapters/aws-clients';
import { RECORD_KEYS } from '#shared/adapters/dynamo-records-repository';
import { DEMO } from '../../infra/local/demo-data.ts';
import type { Service } from './local-service.ts';

/**
 * Adds a batch of the demo course whose one enrolment is corrupt (written behind the ingestion
 * path's back, with a date that is not one), so the row builder throws on it: a batch that fails.
 */
export async function addCorruptBatch(service: Service, batchId: string, name: string, startDate: string): Promise<void> {
  await service.records.putRecords([
    { kind: 'batch', org: DEMO.org, courseId: DEMO.courseId, batchId, name, startDate, creatorId: DEMO.creator, mentors: [] },
  ]);
  await clients.dynamo.send(
    new PutCommand({
      TableName: service.stack.env.RECORDS_TABLE,
      Item: {
        pk: RECORD_KEYS.learnersOf(DEMO.courseId, batchId, 'user-x'),
        sk: 'ENROL#user-x',
        kind: 'enrolment',
        userId: 'user-x',
        enrolledAt: 'not a date',
      },
    }),
  );
}
