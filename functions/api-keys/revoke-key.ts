import { logger } from '#shared/adapters/observability';
import { ValidationError } from '#shared/domain/errors';
import { revokeApiKey } from '#shared/usecases/api-keys';
import { clock } from '../commons/adapters-from-env.ts';
import { apiHandler, json } from '../commons/http.ts';
import { keys, requireManageScope } from './keys-from-env.ts';

/** DELETE /v1/api-keys/{keyId} — revokes a key of the caller's org (404 for any other). */
export const handler = apiHandler(async (event, actor) => {
  requireManageScope(event);
  const keyId = event.pathParameters?.keyId;
  if (!keyId) throw new ValidationError('A key id is required', [{ path: 'keyId', message: 'is missing' }]);
  await revokeApiKey(actor.org, keyId, { keys, now: clock.now() });
  logger.info('API key revoked', { keyId, org: actor.org, by: actor.userId });
  return json(200, { revoked: keyId });
});
