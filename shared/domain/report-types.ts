/** The DIKSHA-style course exhausts: course progress, user profile, question set. */
export const CourseExhaustTypes = ['course-progress', 'user-profile', 'question-set'] as const;
/** The course reports (Strigo-style) as async exhausts: the same rows the sync API answers, per batch. */
export const CourseReportExhaustTypes = ['enrollments', 'exercises', 'user-activity'] as const;

/** The exhausts the service writes; each has one module in shared/reports. */
export const ReportTypes = [...CourseExhaustTypes, ...CourseReportExhaustTypes] as const;
export type ReportType = (typeof ReportTypes)[number];

/** Who is asking, as the API's JWT says. */
export interface Actor {
  userId: string;
  org: string;
  /** The caller's e-mail address, when the token carries a verified one (`email` claim): where "tell me when it ends" goes. */
  email?: string | undefined;
}
