import { parseArgs } from 'node:util';
import { API_KEYS_SCOPE } from '#shared/usecases/api-keys';
import { issueLocalToken } from '../infra/local/dev-auth.ts';

/**
 * Manages course report API keys on the local stack (`npm start` running), through the same
 * JWT-protected routes an org admin uses, with a local token carrying the apikeys/manage scope:
 *   npm run apikey -- create --org org-demo [--label "LMS sync"]
 *   npm run apikey -- list --org org-demo
 *   npm run apikey -- revoke --org org-demo --id key_…
 * Options: --api http://127.0.0.1:3000 (default). `create` prints the key once; it is stored hashed.
 */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    org: { type: 'string' },
    label: { type: 'string', default: 'local' },
    id: { type: 'string' },
    api: { type: 'string', default: 'http://127.0.0.1:3000' },
  },
});
const command = positionals[0];
if (!values.org || !['create', 'list', 'revoke'].includes(command ?? '') || (command === 'revoke' && !values.id)) {
  console.error('usage: npm run apikey -- create|list|revoke --org ORG [--label L] [--id KEY_ID] [--api URL]');
  process.exit(2);
}
const token = await issueLocalToken({ sub: 'local-admin', org: values.org, scope: API_KEYS_SCOPE });
const request =
  command === 'create'
    ? { method: 'POST', path: '/v1/api-keys', body: JSON.stringify({ label: values.label }) }
    : command === 'list'
      ? { method: 'GET', path: '/v1/api-keys' }
      : { method: 'DELETE', path: `/v1/api-keys/${encodeURIComponent(values.id ?? '')}` };
const response = await fetch(`${values.api}${request.path}`, {
  method: request.method,
  headers: { authorization: `Bearer ${token}`, ...(request.body ? { 'content-type': 'application/json' } : {}) },
  ...(request.body ? { body: request.body } : {}),
});
console.log(JSON.stringify(await response.json(), null, 2));
if (!response.ok) process.exit(1);
