import { listApiKeys } from '#shared/usecases/api-keys';
import { apiHandler, json } from '../commons/http.ts';
import { keys, requireManageScope } from './keys-from-env.ts';

/** GET /v1/api-keys — the org's keys: id, label, created, last used, revoked; never the key. */
export const handler = apiHandler(async (event, actor) => {
  requireManageScope(event);
  return json(200, { keys: await listApiKeys(actor.org, { keys }) });
});
