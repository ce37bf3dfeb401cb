import '../../infra/local/quiet-defaults.ts';

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import { startLocalStack } from '../../infra/local/local-stack.ts';
import { seedDemoData } from '../../infra/local/seed.ts';

/**
 * Run by the restart test as a process it can kill: the local stack on a data folder that
 * outlives it, with workflows held in flight. The first execution plans (its request reads
 * PROCESSING) and then waits before assembly; later ones wait before planning (SUBMITTED).
 * Prints one `READY {json}` line once the API serves.
 */
const dataDir = process.argv[2] as string;
const fresh = !existsSync(join(dataDir, 'dynamodb'));
const forever = new Promise<void>(() => undefined);
let plans = 0;
const stack = await startLocalStack({
  dataDir,
  beforeTask: async (stateName) => {
    if (stateName === 'Plan' && plans++ === 0) return;
    await forever;
  },
});
if (fresh) await seedDemoData(new DynamoRecordsRepository(stack.env.RECORDS_TABLE as string), 20);
console.log(
  `READY ${JSON.stringify({ apiUrl: stack.apiUrl, dynamo: stack.env.AWS_ENDPOINT_URL_DYNAMODB, requestsTable: stack.env.REQUESTS_TABLE, settled: stack.settledAtStart })}`,
);
