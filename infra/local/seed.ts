import type { RecordsRepository } from '#shared/domain/ports';
import { ingestRecords, MAX_RECORDS_PER_CALL, ReferenceCache } from '#shared/usecases/ingest-records';
import { demoRecords } from './demo-data.ts';

/** Seeds the demo course through the same validated ingestion use case the API uses. */
export async function seedDemoData(records: RecordsRepository, learners?: number): Promise<number> {
  const all = demoRecords(learners);
  const cache = new ReferenceCache();
  for (let i = 0; i < all.length; i += MAX_RECORDS_PER_CALL) {
    await ingestRecords(all.slice(i, i + MAX_RECORDS_PER_CALL), { records }, { cache, positionOffset: i });
  }
  return all.length;
}
