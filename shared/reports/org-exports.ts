import type { Cell } from '../domain/cell.ts';
import type { ProgramSessionView } from '../domain/learner-stats.ts';
import {
  averageScore,
  collaborativeCounts,
  type ExportActivity,
  type ExportFilters,
  learningCounts,
  messageCount,
  programCounts,
  totalTimeSpent,
} from '../domain/org-exports.ts';
import type { OrgExportType } from '../domain/report-types.ts';
import type { Column } from './columns.ts';

/**
 * The learner statistics exports (user statistics, general stats, registrations): one module of
 * columns each, on the column/cell machinery of the course exhausts (fixed order, header beside its
 * cell, CSV rules applied by the writer). A row only ever names users of the exporter's scope:
 * `emailOf` answers for those and nobody else, so a manager or report outside a coach's groups
 * never reaches a cell.
 */

/** Who the exporter is, as the records say. */
export interface ExporterView {
  /** The owner or a platform admin: every user and group of the org. */
  seesEveryone: boolean;
  /** The exporter coaches, administers or user-administers at least one group. */
  overseesGroups: boolean;
  /** The exporter is main author of at least one course (known only when the export asks). */
  authorsCourses: boolean;
}

/** What every row of one export shares, prepared once. */
export interface ExportContext {
  filters: ExportFilters;
  /** Custom field columns, in order. */
  customFields: string[];
  /** Group columns: only groups the exporter oversees (every group for the owner and admins). */
  groups: { groupId: string; name: string }[];
  /** The org owner's email, if the owner is in scope (users created through the API were invited by the owner). */
  ownerEmail: string | null;
}

/** One user's row input. */
export interface ExportRow {
  activity: ExportActivity;
  /** Emails of users in the exporter's scope; undefined for anyone else. */
  emailOf: (userId: string) => string | null | undefined;
  /** Program sessions assigned to the user, directly or through a group (general stats). */
  sessions: readonly ProgramSessionView[];
  /** The user's direct reports (user statistics). */
  directReports: readonly string[];
  /** Paths of the path sessions assigned to the user, directly or through a group (user general stats). */
  assignedPathIds: readonly string[];
}

export interface OrgExportDefinition {
  type: OrgExportType;
  /** Why the exporter may not ask for this export, or null when they may. */
  refusal(exporter: ExporterView): string | null;
  /** Whether the exporter's scope also holds the users who played courses they are main author of. */
  withPlayersOfAuthoredCourses?: true;
  /** What rows need beyond the user's partition. */
  needsSessions: boolean;
  needsDirectReports: boolean;
  needsPaths?: true;
  columns(context: ExportContext): Column<ExportRow>[];
  /** A rough size of one user's CSV row, for Plan to refuse files ZipCrypto cannot hold. */
  csvBytesPerUser(context: Pick<ExportContext, 'customFields' | 'groups'>): number;
}

const text = (value: string | null | undefined): Cell => value ?? '';
const emails = (ids: readonly string[], row: ExportRow): Cell =>
  ids
    .map((id) => row.emailOf(id))
    .filter((email): email is string => typeof email === 'string' && email !== '')
    .sort()
    .join(', ');

/**
 * Custom field and group columns after the fixed ones. Headers must be unique: a custom field or a
 * group named like another column gets its kind (and a group its id) added.
 */
function dynamicColumns(
  fixed: readonly Column<ExportRow>[],
  context: ExportContext,
): { customFields: Column<ExportRow>[]; groups: Column<ExportRow>[] } {
  const taken = new Set(fixed.map((c) => c.header));
  const unique = (header: string, fallback: string) => {
    const chosen = taken.has(header) ? fallback : header;
    taken.add(chosen);
    return chosen;
  };
  const customFields = context.customFields.map((name) => ({
    header: unique(name, `${name} (custom field)`),
    cell: (row: ExportRow) => text(row.activity.profile.customFields?.[name]),
  }));
  const groups = context.groups.map(({ groupId, name }) => ({
    header: unique(name, `${name} (group ${groupId})`),
    cell: (row: ExportRow) => (row.activity.memberships.some((m) => m.groupId === groupId) ? 'x' : ''),
  }));
  return { customFields, groups };
}

const overseers = (exporter: ExporterView) =>
  exporter.seesEveryone || exporter.overseesGroups
    ? null
    : 'Only the owner, platform admins, and coaches or administrators of a group may export learner statistics';

export const userStatisticsExport: OrgExportDefinition = {
  type: 'user-statistics',
  refusal: overseers,
  needsSessions: false,
  needsDirectReports: true,
  columns(context) {
    const names: Column<ExportRow>[] = [
      { header: 'First name', cell: (row) => text(row.activity.profile.firstName) },
      { header: 'Last name', cell: (row) => text(row.activity.profile.lastName) },
      { header: 'Email', cell: (row) => text(row.activity.profile.email) },
      { header: 'Title / Employment', cell: (row) => text(row.activity.profile.title) },
    ];
    const rest: Column<ExportRow>[] = [
      { header: 'Additional information', cell: (row) => text(row.activity.profile.additionalInformation) },
      {
        header: 'Time spent',
        cell: (row) => row.activity.attempts.reduce((sum, a) => sum + a.timeSpentSeconds, 0),
      },
      {
        header: 'Last activity',
        cell: (row) => row.activity.attempts.reduce((last, a) => (a.lastActivityAt > last ? a.lastActivityAt : last), ''),
      },
      { header: 'Direct report', cell: (row) => emails(row.directReports, row) },
    ];
    const dynamic = dynamicColumns([...names, ...rest], context);
    return [...names, ...dynamic.customFields, ...rest, ...dynamic.groups];
  },
  csvBytesPerUser: ({ customFields, groups }) => 250 + 30 * customFields.length + 2 * groups.length,
};

export const generalStatsExport: OrgExportDefinition = {
  type: 'general-stats',
  refusal: overseers,
  needsSessions: true,
  needsDirectReports: false,
  columns(context) {
    const { filters } = context;
    const names: Column<ExportRow>[] = [
      { header: 'Last name', cell: (row) => text(row.activity.profile.lastName) },
      { header: 'First name', cell: (row) => text(row.activity.profile.firstName) },
      { header: 'Email', cell: (row) => text(row.activity.profile.email) },
    ];
    const rest: Column<ExportRow>[] = [
      { header: 'Additional information', cell: (row) => text(row.activity.profile.additionalInformation) },
      { header: 'Managers', cell: (row) => emails(row.activity.managerIds, row) },
      { header: 'Avg score', cell: (row) => averageScore(row.activity, filters) ?? '' },
      { header: 'Completed programs', cell: (row) => programCounts(row.activity, row.sessions, filters).completed },
      { header: 'Assigned programs', cell: (row) => programCounts(row.activity, row.sessions, filters).assigned },
      { header: 'Messages', cell: (row) => messageCount(row.activity.posts, filters) },
      { header: 'Total time spent', cell: (row) => totalTimeSpent(row.activity.attempts, filters) },
    ];
    const dynamic = dynamicColumns([...names, ...rest], context);
    return [...names, ...dynamic.customFields, ...rest, ...dynamic.groups];
  },
  csvBytesPerUser: ({ customFields, groups }) => 250 + 30 * customFields.length + 2 * groups.length,
};

export const registrationsExport: OrgExportDefinition = {
  type: 'registrations',
  refusal: (exporter) => (exporter.seesEveryone ? null : 'Only the owner and platform administrators may export registrations'),
  needsSessions: false,
  needsDirectReports: false,
  columns(context) {
    return [
      { header: 'First name', cell: (row) => text(row.activity.profile.firstName) },
      { header: 'Last name', cell: (row) => text(row.activity.profile.lastName) },
      { header: 'Email', cell: (row) => text(row.activity.profile.email) },
      { header: 'Registered at', cell: (row) => text(row.activity.profile.registration?.createdAt) },
      {
        header: 'Invited by',
        cell: (row) => {
          const registration = row.activity.profile.registration;
          if (registration?.method === 'invited' && registration.invitedBy) return text(row.emailOf(registration.invitedBy));
          // Users created through the API were created by the org's key: its owner's.
          if (registration?.method === 'api') return text(context.ownerEmail);
          return '';
        },
      },
      { header: 'Auto deletion', cell: (row) => text(row.activity.profile.autoDeletionAt) },
    ];
  },
  csvBytesPerUser: () => 200,
};

/** One user's statistics in one row (the user named by the request's `userId`). */
export const userGeneralStatsExport: OrgExportDefinition = {
  type: 'user-general-stats',
  refusal: overseers,
  needsSessions: true,
  needsDirectReports: false,
  needsPaths: true,
  columns({ filters }) {
    const learning = (row: ExportRow) => learningCounts(row.activity, row.assignedPathIds, filters);
    return [
      { header: 'Last name', cell: (row) => text(row.activity.profile.lastName) },
      { header: 'First name', cell: (row) => text(row.activity.profile.firstName) },
      { header: 'Email', cell: (row) => text(row.activity.profile.email) },
      { header: 'Avg score', cell: (row) => averageScore(row.activity, filters) ?? '' },
      { header: 'Completed courses', cell: (row) => learning(row).completedCourses },
      { header: 'Attended classrooms', cell: (row) => learning(row).attendedClassrooms },
      { header: 'Completed paths', cell: (row) => learning(row).completedPaths },
      { header: 'Assigned paths', cell: (row) => learning(row).assignedPaths },
      { header: 'Completed programs', cell: (row) => programCounts(row.activity, row.sessions, filters).completed },
      { header: 'Assigned programs', cell: (row) => programCounts(row.activity, row.sessions, filters).assigned },
      { header: 'Messages', cell: (row) => messageCount(row.activity.posts, filters) },
      { header: 'Total time spent', cell: (row) => totalTimeSpent(row.activity.attempts, filters) },
    ];
  },
  csvBytesPerUser: () => 250,
};

/**
 * Per user: Publications, Comments and Reactions in the date range (see collaborativeCounts).
 * Administrators (and coaches) get their groups' users; authors the users who played their courses.
 */
export const collaborativeActivityExport: OrgExportDefinition = {
  type: 'collaborative-activity',
  refusal: (exporter) =>
    exporter.seesEveryone || exporter.overseesGroups || exporter.authorsCourses
      ? null
      : 'Only the owner, platform admins, coaches and administrators of a group, and course authors may export collaborative activity',
  withPlayersOfAuthoredCourses: true,
  needsSessions: false,
  needsDirectReports: false,
  columns({ filters }) {
    return [
      { header: 'First name', cell: (row) => text(row.activity.profile.firstName) },
      { header: 'Last name', cell: (row) => text(row.activity.profile.lastName) },
      { header: 'Email', cell: (row) => text(row.activity.profile.email) },
      { header: 'Publications', cell: (row) => collaborativeCounts(row.activity, filters).publications },
      { header: 'Comments', cell: (row) => collaborativeCounts(row.activity, filters).comments },
      { header: 'Reactions', cell: (row) => collaborativeCounts(row.activity, filters).reactions },
    ];
  },
  csvBytesPerUser: () => 120,
};

const exports: Record<OrgExportType, OrgExportDefinition> = {
  'user-statistics': userStatisticsExport,
  'general-stats': generalStatsExport,
  'user-general-stats': userGeneralStatsExport,
  'collaborative-activity': collaborativeActivityExport,
  registrations: registrationsExport,
};

export function orgExportDefinition(type: OrgExportType): OrgExportDefinition {
  return exports[type];
}
