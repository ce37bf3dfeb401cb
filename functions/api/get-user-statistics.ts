import { getUserStatistics, UserIdParam } from '#shared/usecases/learner-statistics';
import { apiHandler, json, parseWith } from '../commons/http.ts';
import { learnerStatisticsDepsFromEnv } from './learner-deps.ts';

const deps = learnerStatisticsDepsFromEnv();

/** GET /v1/users/{userId}/statistics — a user's statistics page. */
export const handler = apiHandler(async (event, actor) => {
  const userId = parseWith(UserIdParam, event.pathParameters?.userId, 'userId');
  return json(200, { statistics: await getUserStatistics(userId, actor, deps) });
});
