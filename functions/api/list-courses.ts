import { SearchCoursesQuery, searchCourses } from '#shared/usecases/browse-courses';
import { apiHandler, json, parseWith } from '../commons/http.ts';
import { courseDepsFromEnv } from './course-deps.ts';

const deps = courseDepsFromEnv();

/** GET /v1/courses?query=.. — courses the caller created or mentors a batch of, best matches first. */
export const handler = apiHandler(async (event, actor) => {
  const query = parseWith(SearchCoursesQuery, event.queryStringParameters ?? {}, 'query');
  return json(200, { courses: await searchCourses(query, actor, deps) });
});
