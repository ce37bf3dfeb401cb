import { DynamoApiKeysRepository } from '#shared/adapters/dynamo-api-keys-repository';
import { requireEnv } from '#shared/config';
import { ForbiddenError } from '#shared/domain/errors';
import { API_KEYS_SCOPE } from '#shared/usecases/api-keys';
import type { ApiEvent } from '../commons/http.ts';

export const keys = new DynamoApiKeysRepository(requireEnv('API_KEYS_TABLE'));

/** API Gateway checks the scope on AWS; the handler checks again so no route can forget it. */
export function requireManageScope(event: ApiEvent): void {
  const scopes = String(event.requestContext.authorizer?.jwt?.claims?.scope ?? '').split(' ');
  if (!scopes.includes(API_KEYS_SCOPE)) throw new ForbiddenError(`Managing API keys needs the ${API_KEYS_SCOPE} scope`);
}
