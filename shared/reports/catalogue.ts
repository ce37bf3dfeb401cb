import type { CourseScopedType } from '../domain/report-types.ts';
import { courseProgressReport } from './course-progress.ts';
import { enrollmentsExhaust, exercisesExhaust, userActivityExhaust } from './course-report-exhausts.ts';
import { questionSetReport } from './question-set.ts';
import type { ReportDefinition } from './report-definition.ts';
import { userProfileReport } from './user-profile.ts';

const catalogue: Record<CourseScopedType, ReportDefinition> = {
  'course-progress': courseProgressReport,
  'user-profile': userProfileReport,
  'question-set': questionSetReport,
  enrollments: enrollmentsExhaust,
  exercises: exercisesExhaust,
  'user-activity': userActivityExhaust,
};

export function reportDefinition(type: CourseScopedType): ReportDefinition {
  return catalogue[type];
}
