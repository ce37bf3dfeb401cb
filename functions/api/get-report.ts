import { getReport, ReportRequestId } from '#shared/usecases/read-reports';
import { apiHandler, json, parseWith } from '../commons/http.ts';
import { readDepsFromEnv } from './read-deps.ts';

const deps = readDepsFromEnv();

/** GET /v1/reports/{id} — status, per-batch progress and fresh download links. */
export const handler = apiHandler(async (event, actor) => {
  const id = parseWith(ReportRequestId, event.pathParameters?.id, 'id');
  return json(200, { request: await getReport(id, actor, deps) });
});
