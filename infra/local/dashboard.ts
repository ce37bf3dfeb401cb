import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildDashboard } from '../dashboard-build.ts';
import { DEMO } from './demo-data.ts';
import { issueLocalToken, localEmail } from './dev-auth.ts';
import { ACADEMY } from './learner-demo-data.ts';
import { readBody } from './loopback.ts';

/**
 * Local mode's share of the dashboard: the page and its config on the API's own origin, and two
 * local-only routes (never part of the stack, so never deployed) that list the demo users and sign
 * development tokens for them, standing in for the identity provider's hosted login.
 */
export const DEMO_USERS = [
  { userId: DEMO.creator, org: DEMO.org, label: `${DEMO.creator} (course creator)` },
  { userId: DEMO.mentor, org: DEMO.org, label: `${DEMO.mentor} (batch mentor)` },
  { userId: DEMO.stranger, org: DEMO.org, label: `${DEMO.stranger} (same org, no courses)` },
  { userId: DEMO.otherOrg.creator, org: DEMO.otherOrg.org, label: `${DEMO.otherOrg.creator} (another org)` },
  // The learner statistics demo's owner: the page shows their exports when an e-mail's link opens one.
  { userId: ACADEMY.owner, org: ACADEMY.org, label: `${ACADEMY.owner} (learner statistics owner)` },
] as const;

export type LocalFallback = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export function localDashboard(): LocalFallback {
  const files = buildDashboard();
  const config = JSON.stringify({ apiUrl: '', auth: { mode: 'local' } });
  return async (req, res, url) => {
    const reply = (status: number, body: string | Buffer, contentType: string) => {
      res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(body);
      return true;
    };
    if (req.method === 'GET' && url.pathname === '/config.json') return reply(200, config, 'application/json');
    if (req.method === 'GET' && url.pathname === '/local/demo-users') {
      return reply(
        200,
        JSON.stringify({ users: DEMO_USERS.map(({ userId, label }) => ({ userId, label })) }),
        'application/json',
      );
    }
    if (req.method === 'POST' && url.pathname === '/local/dev-token') {
      let userId: unknown;
      try {
        userId = (JSON.parse(await readBody(req)) as { userId?: unknown }).userId;
      } catch {
        userId = undefined;
      }
      const user = DEMO_USERS.find((u) => u.userId === userId);
      if (!user) return reply(400, JSON.stringify({ message: 'Not a demo user' }), 'application/json');
      return reply(
        200,
        JSON.stringify({ token: await issueLocalToken({ sub: user.userId, org: user.org, email: localEmail(user.userId) }) }),
        'application/json',
      );
    }
    const file = req.method === 'GET' ? files.get(url.pathname === '/' ? 'index.html' : url.pathname.slice(1)) : undefined;
    return file ? reply(200, file.body, file.contentType) : false;
  };
}
