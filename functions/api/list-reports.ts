import { ListReportsQuery, listReports } from '#shared/usecases/read-reports';
import { apiHandler, json, parseWith } from '../commons/http.ts';
import { readDepsFromEnv } from './read-deps.ts';

const deps = readDepsFromEnv();

/** GET /v1/reports?courseId=..&batchId=.. — the last ten requests, newest first. */
export const handler = apiHandler(async (event, actor) => {
  const query = parseWith(ListReportsQuery, event.queryStringParameters ?? {}, 'query');
  return json(200, { requests: await listReports(query, actor, deps) });
});
