/** The DIKSHA-style course exhausts: course progress, user profile, question set. */
export const CourseExhaustTypes = ['course-progress', 'user-profile', 'question-set'] as const;
/** The course reports (Strigo-style) as async exhausts: the same rows the sync API answers, per batch. */
export const CourseReportExhaustTypes = ['enrollments', 'exercises', 'user-activity'] as const;
/**
 * The learner statistics exports (360Learning-style): org-scoped, one file per request, narrowed
 * by filters (groups, users, dates, program sessions) instead of a course and batches.
 */
export const OrgExportTypes = [
  'user-statistics',
  'general-stats',
  'user-general-stats',
  'collaborative-activity',
  'registrations',
] as const;

/** Reports asked for a course and some of its batches: one file per batch. */
export const CourseScopedTypes = [...CourseExhaustTypes, ...CourseReportExhaustTypes] as const;
export type CourseScopedType = (typeof CourseScopedTypes)[number];
export type OrgExportType = (typeof OrgExportTypes)[number];

/** The exhausts the service writes; each has one module in shared/reports. */
export const ReportTypes = [...CourseScopedTypes, ...OrgExportTypes] as const;
export type ReportType = (typeof ReportTypes)[number];

const ORG_EXPORTS: ReadonlySet<string> = new Set(OrgExportTypes);
export function isOrgExport(type: ReportType): type is OrgExportType {
  return ORG_EXPORTS.has(type);
}

/** Who is asking, as the API's JWT says. */
export interface Actor {
  userId: string;
  org: string;
  /** The caller's e-mail address, when the token carries a verified one (`email` claim): where "tell me when it ends" goes. */
  email?: string | undefined;
}
