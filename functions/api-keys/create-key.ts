import { logger } from '#shared/adapters/observability';
import { CreateApiKeyBody, createApiKey } from '#shared/usecases/api-keys';
import { clock } from '../commons/adapters-from-env.ts';
import { apiHandler, json, jsonBody, parseWith } from '../commons/http.ts';
import { keys, requireManageScope } from './keys-from-env.ts';

/** POST /v1/api-keys — a new key for the caller's org, shown in this answer only. */
export const handler = apiHandler(async (event, actor) => {
  requireManageScope(event);
  const { label } = parseWith(CreateApiKeyBody, jsonBody(event), 'body');
  const created = await createApiKey(actor.org, label, { keys, now: clock.now() });
  logger.info('API key created', { keyId: created.key.id, org: actor.org, by: actor.userId });
  return json(201, created);
});
