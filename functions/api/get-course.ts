import { ValidationError } from '#shared/domain/errors';
import { Id } from '#shared/domain/records';
import { courseOverview } from '#shared/usecases/browse-courses';
import { apiHandler, json } from '../commons/http.ts';
import { courseDepsFromEnv } from './course-deps.ts';

const deps = courseDepsFromEnv();

/** GET /v1/courses/{courseId} — the course's batches the caller may see, with enrolment and allowed reports. */
export const handler = apiHandler(async (event, actor) => {
  const parsed = Id.safeParse(event.pathParameters?.courseId);
  if (!parsed.success) {
    throw new ValidationError('A valid course id is required', [
      { path: 'courseId', message: parsed.error.issues[0]?.message ?? 'is invalid' },
    ]);
  }
  return json(200, { course: await courseOverview(parsed.data, actor, deps) });
});
