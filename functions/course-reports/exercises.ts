import { runCourseReport } from '#shared/usecases/course-reports';
import { courseIdOf, courseReportHandler, outputFormat, reportDeps } from './respond.ts';

/** GET /api/v1/ondemand-courses/{courseId}/reports/exercises — each enrolment's result per exercise. */
export const handler = courseReportHandler((event, { org }) =>
  runCourseReport({ org, courseId: courseIdOf(event), kind: 'exercises', format: outputFormat(event) }, reportDeps),
);
