import { parseArgs } from 'node:util';
import { DEMO } from '../infra/local/demo-data.ts';
import { issueLocalToken } from '../infra/local/dev-auth.ts';

/**
 * `npm run token -- --user creator-anita [--org org-demo] [--scope records/write]`: a bearer token
 * for the local stack, signed with the local development key.
 */
const { values } = parseArgs({
  options: {
    user: { type: 'string', default: DEMO.creator },
    org: { type: 'string', default: DEMO.org },
    scope: { type: 'string' },
  },
});
console.log(await issueLocalToken({ sub: values.user, org: values.org, ...(values.scope ? { scope: values.scope } : {}) }));
