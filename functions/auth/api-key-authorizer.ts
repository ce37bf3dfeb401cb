import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { DynamoApiKeysRepository } from '#shared/adapters/dynamo-api-keys-repository';
import { logger } from '#shared/adapters/observability';
import { requireEnv } from '#shared/config';
import { type ApiKeyPrincipal, authenticateApiKey, InvalidApiKeyError } from '#shared/usecases/api-keys';
import { clock } from '../commons/adapters-from-env.ts';
import { correlationPaths, wrapHandler } from '../commons/wrap.ts';

const keys = new DynamoApiKeysRepository(requireEnv('API_KEYS_TABLE'));

/**
 * Lambda authorizer (HTTP API, simple responses) for the course reports: `Bearer ORG_ID:API_KEY`.
 * A refused key throws `Unauthorized`, which API Gateway answers with 401. API Gateway caches an
 * answer per Authorization header for the authorizer's TTL, so a revoked key stops working within it.
 * Logs carry the key id and a reason, never the header.
 */
export const handler = wrapHandler<
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult<ApiKeyPrincipal>
>(
  async (event) => {
    const authorization = event.headers?.authorization ?? event.identitySource?.[0];
    try {
      const principal = await authenticateApiKey(authorization, { keys, now: clock.now() });
      logger.info('API key accepted', { keyId: principal.keyId, org: principal.org, route: event.routeKey });
      return { isAuthorized: true, context: principal };
    } catch (error) {
      if (error instanceof InvalidApiKeyError) {
        logger.info('API key refused', { reason: error.message, route: event.routeKey });
        throw new Error('Unauthorized');
      }
      logger.error('API key check failed', { errorName: error instanceof Error ? error.name : 'unknown' });
      throw error;
    }
  },
  { correlationIdPath: correlationPaths.httpApi },
);
