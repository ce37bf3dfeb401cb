import { ActivityWindowBody, activityWindow } from '#shared/course-reports/window';
import { ValidationError } from '#shared/domain/errors';
import { runCourseReport } from '#shared/usecases/course-reports';
import { clock } from '../commons/adapters-from-env.ts';
import { parseWith } from '../commons/http.ts';
import { type CourseReportEvent, courseIdOf, courseReportHandler, outputFormat, reportDeps } from './respond.ts';

/** An absent or empty body means the default window. */
function bodyOf(event: CourseReportEvent): unknown {
  if (!event.body) return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('The body is not valid JSON', [{ path: 'body', message: 'is not JSON' }]);
  }
}

/** POST /api/v1/ondemand-courses/{courseId}/reports/user-activity — sessions in a window, per enrolment. */
export const handler = courseReportHandler((event, { org }) => {
  const format = outputFormat(event);
  const window = activityWindow(parseWith(ActivityWindowBody, bodyOf(event), 'body'), clock.now());
  return runCourseReport({ org, courseId: courseIdOf(event), kind: 'user-activity', format, window }, reportDeps);
});
