import { ListUsersQuery, listUsers } from '#shared/usecases/learner-statistics';
import { apiHandler, json, parseWith } from '../commons/http.ts';
import { learnerStatisticsDepsFromEnv } from './learner-deps.ts';

const deps = learnerStatisticsDepsFromEnv();

/** GET /v1/users?tab=current|deleted&sort=..&order=..&limit=..&cursor=.. — the users the caller may see, a page at a time. */
export const handler = apiHandler(async (event, actor) => {
  const query = parseWith(ListUsersQuery, event.queryStringParameters ?? {}, 'query');
  return json(200, await listUsers(query, actor, deps));
});
