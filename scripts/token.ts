import { parseArgs } from 'node:util';
import { DEMO } from '../infra/local/demo-data.ts';
import { issueLocalToken, localEmail } from '../infra/local/dev-auth.ts';

/**
 * `npm run token -- --user creator-anita [--org org-demo] [--scope records/write] [--email a@b.org]`: a
 * bearer token for the local stack, signed with the local development key. It carries a verified
 * `email` claim (`{user}@demo.course-exhaust.local` unless given), where `notifyByEmail` messages go.
 */
const { values } = parseArgs({
  options: {
    user: { type: 'string', default: DEMO.creator },
    org: { type: 'string', default: DEMO.org },
    scope: { type: 'string' },
    email: { type: 'string' },
  },
});
console.log(
  await issueLocalToken({
    sub: values.user,
    org: values.org,
    email: values.email ?? localEmail(values.user),
    ...(values.scope ? { scope: values.scope } : {}),
  }),
);
