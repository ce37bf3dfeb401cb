import { logger } from '#shared/adapters/observability';
import { ForbiddenError } from '#shared/domain/errors';
import { INGEST_SCOPE, IngestRecordsBody, ingestRecords } from '#shared/usecases/ingest-records';
import { learnersFromEnv } from '../api/learner-deps.ts';
import { recordsFromEnv } from '../commons/adapters-from-env.ts';
import { apiHandler, json, jsonBody, parseWith } from '../commons/http.ts';

const records = recordsFromEnv();
const learners = learnersFromEnv();

/** POST /v1/records — validate and store learning records of the caller's org (all or nothing). */
export const handler = apiHandler(async (event, actor) => {
  const scopes = String(event.requestContext.authorizer?.jwt?.claims?.scope ?? '').split(' ');
  if (!scopes.includes(INGEST_SCOPE)) throw new ForbiddenError(`Writing records needs the ${INGEST_SCOPE} scope`);
  const body = parseWith(IngestRecordsBody, jsonBody(event), 'body');
  const result = await ingestRecords(body.records, { records, learners }, { org: actor.org });
  logger.info('Records ingested', { written: result.written, byKind: result.byKind });
  return json(200, result);
});
