import type { Cell } from '../../domain/cell.ts';
import { ExhaustFailedError } from '../../domain/errors.ts';
import { type ExportRecordsRepository, entityKey } from '../../domain/learner-ports.ts';
import { overseenGroups, type ProgramSessionView, seesEveryone } from '../../domain/learner-stats.ts';
import { customFieldColumns, directReportIds, type ExportActivity, type ExportFilters } from '../../domain/org-exports.ts';
import type { ReportRequest } from '../../domain/report-request.ts';
import { isOrgExport } from '../../domain/report-types.ts';
import { learnerBucket } from '../../domain/shards.ts';
import { readAhead } from '../../report-files/read-ahead.ts';
import { fileLayout } from '../../reports/columns.ts';
import {
  type ExportContext,
  type ExporterView,
  type ExportRow,
  type OrgExportDefinition,
  orgExportDefinition,
} from '../../reports/org-exports.ts';

/**
 * An org export as the workflow runs it: who the exporter may see (read from the records when
 * each step runs, so a coach removed from a group meanwhile no longer exports its members), the
 * users the filters keep, in a fixed order split by the same user buckets a huge batch's shards
 * use, and their rows a page at a time.
 */

/** Users read per page: one BatchGet of their snapshots and profiles (a Query each only where no snapshot serves). */
export const EXPORT_PAGE = 100;

export interface ExportScope {
  exporter: ExporterView;
  /** Current (not deleted) users the exporter may see, with their email. */
  users: Map<string, string | null>;
  /** Groups the exporter may see: every group of the org for the owner and admins, else those they oversee. */
  groups: { groupId: string; name: string }[];
  ownerId: string | undefined;
}

export async function exportScope(
  org: string,
  exporterId: string,
  learners: ExportRecordsRepository,
  options: { withPlayersOfAuthoredCourses?: true | undefined } = {},
): Promise<ExportScope> {
  const [organisation, memberships] = await Promise.all([learners.getOrganisation(org), learners.getMemberships(exporterId)]);
  const everyone = seesEveryone(exporterId, organisation);
  // A membership counts only in its own org, whatever org the token names.
  const overseen = overseenGroups(memberships.filter((m) => m.org === org));
  let groups: ExportScope['groups'];
  let rows: Awaited<ReturnType<ExportRecordsRepository['userRows']>>;
  if (everyone) {
    [groups, rows] = await Promise.all([learners.orgGroups(org), learners.userRows(org)]);
  } else if (overseen.length === 0) {
    groups = [];
    rows = [];
  } else {
    const [entities, members] = await Promise.all([
      learners.getEntities(overseen.map((id) => ({ type: 'group' as const, id }))),
      learners.groupMembers(overseen),
    ]);
    groups = [...entities.values()]
      .filter((e) => e.type === 'group' && e.org === org)
      .map((e) => ({ groupId: e.id, name: e.name ?? e.id }));
    rows = await learners.userRows(org, members);
  }
  groups.sort((a, b) => compareText(a.name, b.name) || compareText(a.groupId, b.groupId));
  let authorsCourses = false;
  if (options.withPlayersOfAuthoredCourses) {
    // An author sees the users who played a course they are main author of (duplicates included).
    const courses = (await learners.authoredCourses(exporterId)).map((c) => c.courseId);
    authorsCourses = courses.length > 0;
    if (authorsCourses && !everyone) {
      const events = await learners.courseEvents(courses, ALL_TIME);
      const known = new Set(rows.map((r) => r.userId));
      const players = [...new Set(events.filter((e) => e.type === 'attempt').map((e) => e.userId))].filter((u) => !known.has(u));
      if (players.length > 0) rows = [...rows, ...(await learners.userRows(org, players))];
    }
  }
  const users = new Map(rows.filter((r) => r.deletedAt === null).map((r) => [r.userId, r.email]));
  return {
    exporter: { seesEveryone: everyone, overseesGroups: overseen.length > 0, authorsCourses },
    users,
    groups,
    ownerId: organisation?.ownerId,
  };
}

const ALL_TIME = { from: '0000', to: '9999' };
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The file's order: by user bucket, then user id. Every step computes it the same way, so shards
 * written bucket run by bucket run and put together give exactly the unsharded file.
 */
export function inFileOrder(userIds: Iterable<string>): string[] {
  return [...userIds]
    .map((userId) => ({ userId, bucket: learnerBucket(userId) }))
    .sort((a, b) => a.bucket - b.bucket || compareText(a.userId, b.userId))
    .map((u) => u.userId);
}

/** The users an export writes: the exporter's scope narrowed by the filters' groups and users. */
export async function exportTargets(scope: ExportScope, filters: ExportFilters, learners: ExportRecordsRepository) {
  let targets = [...scope.users.keys()];
  if (filters.groupIds.length > 0) {
    const members = new Set(await learners.groupMembers(filters.groupIds));
    targets = targets.filter((u) => members.has(u));
  }
  if (filters.userIds.length > 0) {
    const only = new Set(filters.userIds);
    targets = targets.filter((u) => only.has(u));
  }
  return inFileOrder(targets);
}

export interface OrgExportJob {
  request: ReportRequest;
  learners: ExportRecordsRepository;
  definition: OrgExportDefinition;
  scope: ExportScope;
  context: ExportContext;
  targets: string[];
}

export async function loadOrgExport(
  request: ReportRequest,
  learners: ExportRecordsRepository | undefined,
): Promise<OrgExportJob> {
  if (!learners) throw new ExhaustFailedError('Org exports need the learner records repository');
  if (!isOrgExport(request.type) || !request.export) {
    throw new ExhaustFailedError(`Report request ${request.id} is not an org export`);
  }
  const filters = request.export;
  const definition = orgExportDefinition(request.type);
  const scope = await exportScope(request.org, request.requestedBy, learners, definition);
  const refusal = definition.refusal(scope.exporter);
  // The exporter's roles may have changed since the request: nothing is written for them then.
  if (refusal) throw new ExhaustFailedError(`The requester may no longer run this export: ${refusal}`);
  const [fieldNames, targets] = await Promise.all([
    filters.customFields === null ? learners.customFieldNames(request.org) : Promise.resolve([]),
    exportTargets(scope, filters, learners),
  ]);
  const ownerEmail = scope.ownerId === undefined ? null : (scope.users.get(scope.ownerId) ?? null);
  const context: ExportContext = {
    filters,
    customFields: customFieldColumns(fieldNames, filters),
    groups: scope.groups,
    ownerEmail,
  };
  return { request, learners, definition, scope, context, targets };
}

/** The CSV's header, id columns and rows for some user buckets (all when undefined), a page at a time. */
export function orgExportRows(job: OrgExportJob, buckets?: readonly number[]) {
  const { learners } = job;
  const layout = fileLayout<ExportRow, ExportRow>(job.definition.columns(job.context), (row) => [row]);
  const wanted = buckets ? new Set(buckets) : undefined;
  const users = wanted ? job.targets.filter((u) => wanted.has(learnerBucket(u))) : job.targets;
  const emailOf = (userId: string) => (job.scope.users.has(userId) ? job.scope.users.get(userId) : undefined);
  const groupSessions = new Map<string, Promise<string[]>>();
  const sessionViews = new Map<string, ProgramSessionView>();
  const groupPathSessions = new Map<string, Promise<string[]>>();
  const pathOfSession = new Map<string, string | undefined>();

  /** Paths of the path sessions assigned to the user, directly or through their groups (this org's only). */
  async function pathsOf(activity: ExportActivity): Promise<string[]> {
    const ids = new Set(activity.assignedPathSessionIds);
    for (const m of activity.memberships) {
      if (m.org !== job.request.org) continue;
      let sessions = groupPathSessions.get(m.groupId);
      if (!sessions) {
        sessions = learners.groupPathSessionIds([m.groupId]);
        groupPathSessions.set(m.groupId, sessions);
      }
      for (const id of await sessions) ids.add(id);
    }
    const missing = [...ids].filter((id) => !pathOfSession.has(id));
    if (missing.length > 0) {
      const found = await learners.getEntities(missing.map((id) => ({ type: 'path-session' as const, id })));
      for (const id of missing) {
        const entity = found.get(entityKey('path-session', id));
        pathOfSession.set(id, entity?.org === job.request.org ? entity.pathId : undefined);
      }
    }
    return [...new Set([...ids].flatMap((id) => pathOfSession.get(id) ?? []))];
  }

  async function sessionsOf(activity: ExportActivity): Promise<ProgramSessionView[]> {
    const ids = new Set(activity.assignedSessionIds);
    for (const m of activity.memberships) {
      if (m.org !== job.request.org) continue;
      let sessions = groupSessions.get(m.groupId);
      if (!sessions) {
        sessions = learners.groupSessionIds([m.groupId]);
        groupSessions.set(m.groupId, sessions);
      }
      for (const id of await sessions) ids.add(id);
    }
    const missing = [...ids].filter((id) => !sessionViews.has(id));
    if (missing.length > 0) for (const view of await learners.getProgramSessions(missing)) sessionViews.set(view.sessionId, view);
    return [...ids].flatMap((id) => sessionViews.get(id) ?? []);
  }

  async function* pages(): AsyncGenerator<Cell[][]> {
    for (let i = 0; i < users.length; i += EXPORT_PAGE) {
      const page = users.slice(i, i + EXPORT_PAGE);
      const activities = await learners.exportActivities(page);
      const reportsOfReports = job.definition.needsDirectReports
        ? await learners.reportsOf([...new Set(page.flatMap((u) => activities.get(u)?.reportIds ?? []))])
        : new Map<string, string[]>();
      const rows: Cell[][] = [];
      for (const userId of page) {
        const activity = activities.get(userId);
        // A profile of another org never reaches a file, whatever the records say.
        if (!activity || activity.profile.org !== job.request.org) continue;
        const row: ExportRow = {
          activity,
          emailOf,
          sessions: job.definition.needsSessions ? await sessionsOf(activity) : [],
          directReports: job.definition.needsDirectReports ? directReportIds(activity, reportsOfReports) : [],
          assignedPathIds: job.definition.needsPaths ? await pathsOf(activity) : [],
        };
        for (const cells of layout.rows(row)) rows.push(cells);
      }
      yield rows;
    }
  }
  return { header: layout.header, idColumns: layout.idColumns, rowBatches: readAhead(pages()) };
}
