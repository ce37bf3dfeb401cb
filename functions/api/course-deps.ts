import { DynamoCourseDirectory } from '#shared/adapters/dynamo-course-directory';
import { requireEnv } from '#shared/config';
import type { BrowseCoursesDeps } from '#shared/usecases/browse-courses';
import { clock, recordsFromEnv } from '../commons/adapters-from-env.ts';

/** What the two course handlers read: the records table, its dashboard index, and the clock. */
export function courseDepsFromEnv(): BrowseCoursesDeps {
  return { directory: new DynamoCourseDirectory(requireEnv('RECORDS_TABLE')), records: recordsFromEnv(), clock };
}
