import { runCourseReport } from '#shared/usecases/course-reports';
import { courseIdOf, courseReportHandler, outputFormat, reportDeps } from './respond.ts';

/** GET /api/v1/ondemand-courses/{courseId}/reports/enrollments — one row per enrolment. */
export const handler = courseReportHandler((event, { org }) =>
  runCourseReport({ org, courseId: courseIdOf(event), kind: 'enrollments', format: outputFormat(event) }, reportDeps),
);
