/**
 * The page's own rules, kept free of the DOM so they read (and test) on their own. They mirror the
 * API's: the API stays the judge and its 4xx reasons are shown as they come.
 */

export type ReportType = 'course-progress' | 'user-profile' | 'question-set' | 'enrollments' | 'exercises' | 'user-activity';
export type RequestStatus = 'SUBMITTED' | 'PROCESSING' | 'SUCCESS' | 'FAILED' | 'EXPIRED';

export const REPORT_TYPE_LABELS: Record<ReportType, string> = {
  'course-progress': 'Course progress',
  'user-profile': 'User profile',
  'question-set': 'Question set',
  enrollments: 'Enrollments',
  exercises: 'Exercises',
  // The page asks for the API's default window; other windows are for the API itself.
  'user-activity': 'User activity (last month)',
};
/** The learner statistics exports (org-wide, requested through the API); the page only shows them, from an e-mail's link. */
export type ExportType = 'user-statistics' | 'general-stats' | 'user-general-stats' | 'collaborative-activity' | 'registrations';
const EXPORT_LABELS: Record<ExportType, string> = {
  'user-statistics': 'User statistics export',
  'general-stats': 'General stats export',
  'user-general-stats': "A user's general stats export",
  'collaborative-activity': 'Collaborative activity export',
  registrations: 'Registrations export',
};
export function reportLabel(type: ReportType | ExportType): string {
  return (REPORT_TYPE_LABELS as Record<string, string>)[type] ?? EXPORT_LABELS[type as ExportType] ?? type;
}
/** The types in the order the page offers them (those the caller may request). */
export const REPORT_TYPES = Object.keys(REPORT_TYPE_LABELS) as ReportType[];
/** Reports that carry personal data and therefore need a password. */
export const PASSWORD_REQUIRED: ReadonlySet<ReportType> = new Set(['user-profile', 'enrollments', 'exercises', 'user-activity']);
export const MAX_BATCHES = 20;

/** The labels DIKSHA's course dashboard shows for a request's status. */
export const STATUS_LABELS: Record<RequestStatus, string> = {
  SUBMITTED: 'Submitted',
  PROCESSING: 'Pending',
  SUCCESS: 'Success',
  FAILED: 'Failure',
  EXPIRED: 'Expired',
};

export const isInFlight = (status: RequestStatus) => status === 'SUBMITTED' || status === 'PROCESSING';

export const PASSWORD_RULES = ['at least 6 characters', 'at least one letter', 'at least one digit', 'at most 128 characters'];

/** What is wrong with a password, as a list of the rules it breaks (empty when it is fine). */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if (password.length < 6) problems.push('at least 6 characters');
  if (!/[A-Za-z]/.test(password)) problems.push('at least one letter');
  if (!/[0-9]/.test(password)) problems.push('at least one digit');
  if (password.length > 128) problems.push('at most 128 characters');
  return problems;
}

export interface RequestSummary {
  id: string;
  type: ReportType;
  courseId: string;
  batchIds: string[];
  status: RequestStatus;
  requestedBy: string;
  createdAt: string;
}

export interface Draft {
  userId: string;
  courseId: string;
  type: ReportType | undefined;
  batchIds: string[];
  password: string;
  /** Report types each selected batch allows. */
  allowedTypes: Map<string, ReportType[]>;
  batchNames: Map<string, string>;
}

const sameBatches = (a: string[], b: string[]) => {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((id, i) => id === right[i]);
};

/**
 * Why the request cannot be submitted as it stands, or undefined when it can. An identical request
 * is one of the caller's own (same type, course and batches) still Submitted or Pending: the API
 * refuses the caller a second one, while someone else's identical request does not block them.
 */
export function blockReason(draft: Draft, requests: RequestSummary[]): string | undefined {
  if (!draft.type) return 'Choose a report type.';
  if (draft.batchIds.length === 0) return 'Select at least one batch.';
  if (draft.batchIds.length > MAX_BATCHES) return `Select at most ${MAX_BATCHES} batches (${draft.batchIds.length} selected).`;
  const type = draft.type;
  const refused = draft.batchIds.filter((id) => !(draft.allowedTypes.get(id) ?? []).includes(type));
  if (refused.length > 0) {
    const names = refused.map((id) => draft.batchNames.get(id) ?? id).join(', ');
    return `You may not request a ${REPORT_TYPE_LABELS[type]} report for ${names}.`;
  }
  if (PASSWORD_REQUIRED.has(type) && draft.password === '')
    return `A password is required for ${REPORT_TYPE_LABELS[type]} reports.`;
  if (draft.password !== '') {
    const problems = passwordProblems(draft.password);
    if (problems.length > 0) return `The password needs ${problems.join(', ')}.`;
  }
  const twin = requests.find(
    (r) =>
      r.requestedBy === draft.userId &&
      isInFlight(r.status) &&
      r.type === type &&
      r.courseId === draft.courseId &&
      sameBatches(r.batchIds, draft.batchIds),
  );
  if (twin) return `An identical request of yours is still ${STATUS_LABELS[twin.status].toLowerCase()}; wait for it to finish.`;
  return undefined;
}

/** Dates as the dashboard shows them: day, month and year in UTC, the zone the API speaks. */
export function formatDate(iso: string | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  });
}
