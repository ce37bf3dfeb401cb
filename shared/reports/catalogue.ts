import type { ReportType } from '../domain/report-types.ts';
import { courseProgressReport } from './course-progress.ts';
import { enrollmentsExhaust, exercisesExhaust, userActivityExhaust } from './course-report-exhausts.ts';
import { questionSetReport } from './question-set.ts';
import type { ReportDefinition } from './report-definition.ts';
import { userProfileReport } from './user-profile.ts';

const catalogue: Record<ReportType, ReportDefinition> = {
  'course-progress': courseProgressReport,
  'user-profile': userProfileReport,
  'question-set': questionSetReport,
  enrollments: enrollmentsExhaust,
  exercises: exercisesExhaust,
  'user-activity': userActivityExhaust,
};

export function reportDefinition(type: ReportType): ReportDefinition {
  return catalogue[type];
}
