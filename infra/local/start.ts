import './quiet-defaults.ts';

import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import { INGEST_SCOPE } from '#shared/usecases/ingest-records';
import { PROJECT_ROOT } from '../paths.ts';
import { DEMO } from './demo-data.ts';
import { issueLocalToken, localEmail } from './dev-auth.ts';
import { ACADEMY, seedLearnerDemo } from './learner-demo-data.ts';
import { startLocalStack } from './local-stack.ts';
import { seedDemoData } from './seed.ts';

/**
 * `npm start`: the whole service on this machine with demo data. Data lives in .local/ between
 * runs; `npm start -- --clean` starts from nothing.
 */
const dataDir = resolve(PROJECT_ROOT, '.local');
if (process.argv.includes('--clean')) rmSync(dataDir, { recursive: true, force: true });
const fresh = !existsSync(resolve(dataDir, 'dynamodb'));

const stack = await startLocalStack({ dataDir, apiPort: Number(process.env.PORT ?? 3000) });
const records = new DynamoRecordsRepository(requireTable(stack.env));
if (fresh) {
  const count = await seedDemoData(records);
  console.log(`Seeded ${count} demo records through the ingestion path.`);
  console.log(`Seeded ${await seedLearnerDemo(requireTable(stack.env))} learner statistics records (org ${ACADEMY.org}).`);
}

function requireTable(env: Record<string, string>): string {
  const name = env.RECORDS_TABLE;
  if (!name) throw new Error('RECORDS_TABLE was not resolved from the stack');
  return name;
}

if (stack.settledAtStart.length > 0) {
  console.log(`Ended ${stack.settledAtStart.length} request(s) the last run left in flight (FAILED: the service restarted).`);
}

const creator = await issueLocalToken({ sub: DEMO.creator, org: DEMO.org, scope: INGEST_SCOPE, email: localEmail(DEMO.creator) });
const mentor = await issueLocalToken({ sub: DEMO.mentor, org: DEMO.org, email: localEmail(DEMO.mentor) });
console.log(`
Course Exhaust is running locally.
  Dashboard  ${stack.apiUrl}/   (sign in as a demo user)
  API        ${stack.apiUrl}
  S3         ${stack.env.AWS_ENDPOINT_URL_S3}
  DynamoDB   ${stack.env.AWS_ENDPOINT_URL_DYNAMODB}
  Data       ${dataDir}
  Outbox     ${stack.env.LOCAL_OUTBOX_DIR}   ("notifyByEmail": true messages, one .eml each)

Development tokens (12 h), valid only against this local stack's development key, never on AWS:
creator ${DEMO.creator}, mentor ${DEMO.mentor} of batch ${DEMO.batches.live}
  export CREATOR_TOKEN=${creator}
  export MENTOR_TOKEN=${mentor}

Request a course progress exhaust:
  curl -s -X POST ${stack.apiUrl}/v1/reports -H "authorization: Bearer $CREATOR_TOKEN" -H 'content-type: application/json' \\
    -d '{"type":"course-progress","courseId":"${DEMO.courseId}","batchIds":["${DEMO.batches.live}"],"password":"Secret123"}'
Then read it (links appear on SUCCESS):
  curl -s "${stack.apiUrl}/v1/reports?courseId=${DEMO.courseId}" -H "authorization: Bearer $CREATOR_TOKEN"

Ctrl-C stops it.`);

const shutdown = async () => {
  await stack.stop();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
