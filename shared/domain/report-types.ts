/** The exhausts the service writes; each has one module in shared/reports. */
export const ReportTypes = ['course-progress', 'user-profile', 'question-set'] as const;
export type ReportType = (typeof ReportTypes)[number];

/** Who is asking, as the API's JWT says. */
export interface Actor {
  userId: string;
  org: string;
}
