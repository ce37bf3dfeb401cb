import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { FieldIssue } from '../domain/errors.ts';
import { ForbiddenError, ValidationError } from '../domain/errors.ts';
import { type ExportRecordsRepository, entityKey } from '../domain/learner-ports.ts';
import { EXPORT_PART, type ExportFilters } from '../domain/org-exports.ts';
import type { Clock, PasswordSealer, RequestsRepository, WorkflowStarter } from '../domain/ports.ts';
import { Id } from '../domain/records.ts';
import { exportDedupeKey, type ReportRequest } from '../domain/report-request.ts';
import type { Actor, OrgExportType } from '../domain/report-types.ts';
import { DEFAULT_ZIP_ENCRYPTION, type ZipEncryption } from '../domain/zip-encryption.ts';
import { orgExportDefinition } from '../reports/org-exports.ts';
import { recordAndStart, takeLock } from './request-lifecycle.ts';
import { exportScope } from './workflow-steps/org-export-job.ts';

/** Most ids one filter list may name. */
export const MAX_FILTER_IDS = 1000;

const uniqueList = <T extends z.ZodType<string>>(item: T, max: number) =>
  z
    .array(item)
    .max(max, `names at most ${max}`)
    .superRefine((list, ctx) => {
      const repeated = [...new Set(list.filter((value, index) => list.indexOf(value) !== index))];
      if (repeated.length > 0) ctx.addIssue({ code: 'custom', message: `names more than once: ${repeated.join(', ')}` });
    });

/** An org export's filters as the request body gives them: every field optional, nothing unknown. */
export const ExportFiltersBody = z
  .strictObject({
    groupIds: uniqueList(Id, 100).optional(),
    userIds: uniqueList(Id, MAX_FILTER_IDS).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    programSessionIds: uniqueList(Id, 100).optional(),
    customFields: uniqueList(z.string().min(1).max(100), 100).optional(),
  })
  .superRefine((filters, ctx) => {
    if (filters.from !== undefined && filters.to !== undefined && Date.parse(filters.from) > Date.parse(filters.to)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    }
  });

/** A file name that is the same on every system: letters, digits, `_` and `-`, at most 80. */
export const ExportFileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/, 'must be 1–80 letters, digits, _ or -, starting with a letter or digit');

export interface ExportInput {
  type: OrgExportType;
  password?: string | undefined;
  encryption?: ZipEncryption | undefined;
  filters?: z.infer<typeof ExportFiltersBody> | undefined;
  fileName?: string | undefined;
  /** Where to tell the requester when it ends (their token's address, resolved by the caller). */
  notifyEmail?: string | undefined;
  /** user-general-stats: its one user (kept as the filters' only user). */
  userId?: string | undefined;
}

export interface SubmitExportDeps {
  requests: RequestsRepository;
  workflow: WorkflowStarter;
  sealer: PasswordSealer;
  clock: Clock;
  newId?: () => string;
  learners?: ExportRecordsRepository | undefined;
}

const sorted = (list: readonly string[] | undefined) => [...(list ?? [])].sort();

/** The filters as stored and deduped: lists sorted, instants in UTC, absent ones empty. */
export function resolveFilters(body: ExportInput['filters'], userId?: string): ExportFilters {
  const utc = (at: string | undefined) => (at === undefined ? null : new Date(at).toISOString());
  return {
    groupIds: sorted(body?.groupIds),
    userIds: userId === undefined ? sorted(body?.userIds) : [userId],
    from: utc(body?.from),
    to: utc(body?.to),
    programSessionIds: sorted(body?.programSessionIds),
    customFields: body?.customFields === undefined ? null : sorted(body.customFields),
  };
}

/**
 * Records an org export and starts the same workflow as every report. Refused before anything is
 * written when the exporter may not ask for this export, or a filter names something that is not
 * in the org (400) or outside what the exporter may see (403).
 */
export async function submitExport(input: ExportInput, actor: Actor, deps: SubmitExportDeps): Promise<ReportRequest> {
  const learners = deps.learners;
  if (!learners) throw new Error('Org exports need the learner records repository');
  const definition = orgExportDefinition(input.type);
  const filters = resolveFilters(input.filters, input.userId);
  const now = deps.clock.now();

  const scope = await exportScope(actor.org, actor.userId, learners, definition);
  const refusal = definition.refusal(scope.exporter);
  if (refusal) throw new ForbiddenError(refusal);
  await checkFilters(filters, scope, actor.org, learners, (i) =>
    input.userId === undefined ? `filters.userIds[${i}]` : 'userId',
  );

  const id = (deps.newId ?? randomUUID)();
  const key = exportDedupeKey(actor.org, input.type, actor.userId, filters);
  const sealedPassword = input.password === undefined ? undefined : await deps.sealer.seal(input.password, id);
  await takeLock(key, id, now, deps);
  const request: ReportRequest = {
    id,
    org: actor.org,
    type: input.type,
    batchIds: [EXPORT_PART],
    requestedBy: actor.userId,
    status: 'SUBMITTED',
    dedupeKey: key,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    batches: { [EXPORT_PART]: { status: 'PENDING', updatedAt: now.toISOString() } },
    sealedPassword,
    ...(sealedPassword === undefined ? {} : { encryption: input.encryption ?? DEFAULT_ZIP_ENCRYPTION }),
    export: filters,
    ...(input.fileName === undefined ? {} : { fileName: input.fileName }),
    ...(input.notifyEmail === undefined ? {} : { notifyEmail: input.notifyEmail }),
  };
  return recordAndStart(request, deps);
}

type Scope = Awaited<ReturnType<typeof exportScope>>;

async function checkFilters(
  filters: ExportFilters,
  scope: Scope,
  org: string,
  learners: ExportRecordsRepository,
  userPath: (index: number) => string,
) {
  const refs = [
    ...filters.groupIds.map((id) => ({ type: 'group' as const, id })),
    ...filters.userIds.map((id) => ({ type: 'user' as const, id })),
    ...filters.programSessionIds.map((id) => ({ type: 'program-session' as const, id })),
  ];
  const [entities, fieldNames] = await Promise.all([
    refs.length > 0 ? learners.getEntities(refs) : Promise.resolve(new Map()),
    filters.customFields === null ? Promise.resolve([]) : learners.customFieldNames(org),
  ]);
  const inOrg = (type: 'group' | 'user' | 'program-session', id: string) => entities.get(entityKey(type, id))?.org === org;
  const issues: FieldIssue[] = [];
  const hidden: string[] = [];
  const visibleGroups = new Set(scope.groups.map((g) => g.groupId));
  filters.groupIds.forEach((id, i) => {
    if (!inOrg('group', id)) issues.push({ path: `filters.groupIds[${i}]`, message: `no group ${id} in your organisation` });
    else if (!visibleGroups.has(id)) hidden.push(`group ${id}`);
  });
  filters.userIds.forEach((id, i) => {
    if (!inOrg('user', id)) issues.push({ path: userPath(i), message: `no user ${id} in your organisation` });
    else if (!scope.users.has(id)) hidden.push(`user ${id}`);
  });
  filters.programSessionIds.forEach((id, i) => {
    if (!inOrg('program-session', id)) {
      issues.push({ path: `filters.programSessionIds[${i}]`, message: `no program session ${id} in your organisation` });
    }
  });
  const known = new Set(fieldNames);
  (filters.customFields ?? []).forEach((name, i) => {
    if (!known.has(name))
      issues.push({ path: `filters.customFields[${i}]`, message: `no custom field "${name}" in your organisation` });
  });
  if (issues.length > 0) throw new ValidationError('The export filters name things that do not exist', issues);
  if (hidden.length > 0) {
    throw new ForbiddenError(`You may not export ${hidden.join(', ')}: outside the groups you coach or administer`);
  }
}
