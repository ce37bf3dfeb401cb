import { ValidationError } from '#shared/domain/errors';
import { getReport } from '#shared/usecases/read-reports';
import { apiHandler, json } from '../commons/http.ts';
import { readDepsFromEnv } from './read-deps.ts';

const deps = readDepsFromEnv();

/** GET /v1/reports/{id} — status, per-batch progress and fresh download links. */
export const handler = apiHandler(async (event, actor) => {
  const id = event.pathParameters?.id;
  if (!id) throw new ValidationError('A report request id is required', [{ path: 'id', message: 'is missing' }]);
  return json(200, { request: await getReport(id, actor, deps) });
});
