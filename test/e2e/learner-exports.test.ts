import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACADEMY, learnerDemoRecords } from '../../infra/local/learner-demo-data.ts';
import {
  type ExportFiltersInput,
  expectedCollaborativeActivity,
  expectedGeneralStats,
  expectedRegistrations,
  expectedScope,
  expectedUserGeneralStats,
  expectedUserStatistics,
} from '../support/expected-learner-exports.ts';
import { download, type LearnerStatsService, openZip, readCsv, startLearnerStatsService } from '../support/local-service.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
});

const PASSWORD = 'Exports2026x';
let service: LearnerStatsService;
const now = new Date();
const records = learnerDemoRecords(now) as (Record<string, unknown> & { kind: string })[];

beforeAll(async () => {
  service = await startLearnerStatsService(now);
}, 120_000);
afterAll(async () => service?.stop());

interface Submitted {
  request?: { id: string; filters?: unknown };
  error?: string;
  message?: string;
  issues?: { path: string; message: string }[];
}

/** Asks for an export as `sub`, waits for it, downloads its one ZIP and reads the CSV. */
async function exportAs(sub: string, body: Record<string, unknown>) {
  const submitted = await service.call<Submitted>('POST', '/v1/reports', sub, { password: PASSWORD, ...body });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
  const id = submitted.body.request?.id as string;
  const ended = await service.waitForEnd(id, sub);
  expect(ended.status, ended.error).toBe('SUCCESS');
  expect(ended.batches).toHaveLength(1);
  const file = ended.batches[0]?.file;
  if (!file) throw new Error('no file');
  const { bytes, disposition } = await download(file.url);
  const opened = await openZip(bytes, PASSWORD);
  expect(opened.method).toMatch(/AES-256/);
  const csv = readCsv(opened.text);
  expect(file.rows).toBe(csv.rows.length);
  return { id, csv, disposition, entryName: opened.name, fileName: file.fileName };
}

const emailOf = (userId: string) => `${userId}@academy.example`;
const allEmails = records.filter((r) => r.kind === 'user').map((r) => String(r.email));

describe('e2e: learner statistics exports (POST /v1/reports, org-scoped)', () => {
  it('general-stats for the owner: every current user, cell by cell, with all groups and custom fields in order', async () => {
    const { csv, entryName } = await exportAs(ACADEMY.owner, { type: 'general-stats' });
    const expected = expectedGeneralStats(records, ACADEMY.owner);
    expect(csv.header).toEqual(expected.header);
    expect(csv.header.slice(3, 6)).toEqual(['Cost centre', 'department', 'region']);
    expect(csv.rows).toEqual(expected.rows);
    expect(expected.users).not.toContain(ACADEMY.deleted);
    // Default file name: type and date.
    expect(entryName).toBe(`general-stats_${now.toISOString().slice(0, 10).replaceAll('-', '')}.csv`);
    // The formula in a custom field reached the file inert.
    expect(csv.rows.flat()).toContain("'=SUM(A1:A9)");
  });

  it('general-stats counts only the most recent attempt at a course within one program session', async () => {
    const { csv } = await exportAs(ACADEMY.owner, { type: 'general-stats', filters: { userIds: ['learner-01'] } });
    const attempts = records.filter((r) => r.kind === 'course-attempt' && r.userId === 'learner-01');
    const everything = attempts.reduce((sum, a) => sum + Number(a.timeSpentSeconds), 0);
    const superseded = attempts.find((a) => a.attemptId === 'att-learner-01-0');
    expect(superseded?.programSessionId).toBe(ACADEMY.programSession);
    const column = csv.header.indexOf('Total time spent');
    expect(csv.rows).toHaveLength(1);
    expect(Number(csv.rows[0]?.[column])).toBe(everything - Number(superseded?.timeSpentSeconds));
    expect(csv.rows).toEqual(expectedGeneralStats(records, ACADEMY.owner, { userIds: ['learner-01'] }).rows);
  });

  it('general-stats for a coach: only their groups’ users and group columns, never another user in Managers', async () => {
    const { csv } = await exportAs(ACADEMY.coach, { type: 'general-stats' });
    const expected = expectedGeneralStats(records, ACADEMY.coach);
    expect(csv.header).toEqual(expected.header);
    expect(csv.header.filter((h) => h.startsWith('Team '))).toEqual(['Team sales']);
    expect(csv.rows).toEqual(expected.rows);
    // Priya manages learner-01 but is not in sales: her email is nowhere in the coach's file.
    const seen = expectedScope(records, ACADEMY.coach).users;
    const outside = allEmails.filter((e) => ![...seen].some((u) => emailOf(u) === e));
    expect(outside).toContain(emailOf(ACADEMY.platformAdmin));
    const text = csv.rows.flat().join('\n');
    for (const email of outside) expect(text).not.toContain(email);
    const managers = csv.header.indexOf('Managers');
    const row01 = csv.rows.find((r) => r[2] === emailOf('learner-01'));
    expect(row01?.[managers]).toBe(emailOf(ACADEMY.coach));
  });

  it('general-stats with filters: groups, date range and program sessions narrow rows and numbers', async () => {
    const filters: ExportFiltersInput = {
      groupIds: [ACADEMY.groups.sales],
      from: new Date(now.getTime() - 100 * 86_400_000).toISOString(),
      to: now.toISOString(),
      programSessionIds: [ACADEMY.programSession],
      customFields: ['region'],
    };
    const { csv } = await exportAs(ACADEMY.platformAdmin, { type: 'general-stats', filters, fileName: 'sales-q1' });
    const expected = expectedGeneralStats(records, ACADEMY.platformAdmin, filters);
    expect(csv.header).toEqual(expected.header);
    expect(csv.header).toContain('region');
    expect(csv.header).not.toContain('department');
    expect(csv.rows).toEqual(expected.rows);
    expect(expected.rows.length).toBeGreaterThan(0);
    expect(expected.rows.length).toBeLessThan(expectedGeneralStats(records, ACADEMY.platformAdmin).rows.length);
  });

  it('user-statistics for the owner: cell by cell, custom fields filtered to the ones asked, alphabetical', async () => {
    const filters = { customFields: ['region', 'Cost centre'] };
    const { csv, disposition, fileName } = await exportAs(ACADEMY.owner, {
      type: 'user-statistics',
      filters,
      fileName: 'people',
    });
    const expected = expectedUserStatistics(records, ACADEMY.owner, filters);
    expect(csv.header).toEqual(expected.header);
    expect(csv.header.slice(4, 6)).toEqual(['Cost centre', 'region']);
    expect(csv.rows).toEqual(expected.rows);
    expect(fileName).toBe('people.zip');
    expect(disposition).toContain('people.zip');
  });

  it('user-statistics for a coach: a direct report outside their groups is left out of their own row', async () => {
    const { csv } = await exportAs(ACADEMY.coach, { type: 'user-statistics' });
    const expected = expectedUserStatistics(records, ACADEMY.coach);
    expect(csv.header).toEqual(expected.header);
    expect(csv.rows).toEqual(expected.rows);
    const reports = csv.header.indexOf('Direct report');
    const chen = csv.rows.find((r) => r[2] === emailOf(ACADEMY.coach));
    // Chen manages learner-01, -02 and -03; learner-02 is in support, which Chen does not coach.
    expect(chen?.[reports]).toBe(`${emailOf('learner-01')}, ${emailOf('learner-03')}`);
  });

  it('registrations for an administrator: inviter emails, the owner for API-created users, auto deletion', async () => {
    const { csv } = await exportAs(ACADEMY.platformAdmin, { type: 'registrations' });
    const expected = expectedRegistrations(records, ACADEMY.platformAdmin);
    expect(csv.header).toEqual(expected.header);
    expect(csv.rows).toEqual(expected.rows);
    const api = csv.rows.find((r) => r[2] === emailOf('learner-09'));
    expect(api?.[4]).toBe(emailOf(ACADEMY.owner));
    expect(csv.rows.find((r) => r[2] === emailOf('learner-02'))?.[4]).toBe(emailOf(ACADEMY.coach));
  });

  it('user-general-stats: one user, one row, cell by cell; only for someone who may see that user', async () => {
    const { csv } = await exportAs(ACADEMY.coach, { type: 'user-general-stats', userId: 'learner-01' });
    const expected = expectedUserGeneralStats(records, ACADEMY.coach, 'learner-01');
    expect(csv.header).toEqual(expected.header);
    expect(csv.rows).toEqual(expected.rows);
    // learner-01 attended a classroom, holds path certificates, and sales was assigned the compliance path.
    expect(csv.rows[0]?.slice(5, 8)).toEqual(['1', '1', '1']);
    const outside = await service.call<Submitted>('POST', '/v1/reports', ACADEMY.coach, {
      type: 'user-general-stats',
      userId: 'learner-02',
    });
    expect(outside.status).toBe(403);
    const missing = await service.call<Submitted>('POST', '/v1/reports', ACADEMY.coach, { type: 'user-general-stats' });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('userId');
  });

  it('collaborative-activity for the owner: publications, comments and reactions per user, cell by cell', async () => {
    const { csv } = await exportAs(ACADEMY.owner, { type: 'collaborative-activity' });
    const expected = expectedCollaborativeActivity(records, ACADEMY.owner);
    expect(csv.header).toEqual(['First name', 'Last name', 'Email', 'Publications', 'Comments', 'Reactions']);
    expect(csv.rows).toEqual(expected.rows);
    // learner-01 published in the sales newsfeed and on their profile, replied once there, and liked once.
    expect(csv.rows.find((r) => r[2] === emailOf('learner-01'))?.slice(3)).toEqual(['3', '1', '1']);
    // The window narrows: the reply posted 200 days ago no longer counts.
    const from = new Date(now.getTime() - 100 * 86_400_000).toISOString();
    const recent = await exportAs(ACADEMY.owner, { type: 'collaborative-activity', filters: { from } });
    expect(recent.csv.rows).toEqual(expectedCollaborativeActivity(records, ACADEMY.owner, { from }).rows);
    expect(recent.csv.rows).not.toEqual(csv.rows);
  });

  it('collaborative-activity for an author: exactly the users who played the courses they are main author of', async () => {
    const { csv } = await exportAs(ACADEMY.author, { type: 'collaborative-activity' });
    const expected = expectedCollaborativeActivity(records, ACADEMY.author);
    expect(expected.users.length).toBeGreaterThan(0);
    expect(expected.users.every((u) => expected.players.has(u))).toBe(true);
    expect(csv.rows).toEqual(expected.rows);
    // Staff who played nothing are not the author's to see, though they share a group with them.
    expect(csv.rows.map((r) => r[2])).not.toContain(emailOf(ACADEMY.groupAdmin));
    expect(csv.rows.map((r) => r[2])).not.toContain(emailOf(ACADEMY.owner));
  });

  it('refuses registrations to a non-administrator, with the reason (403)', async () => {
    for (const sub of [ACADEMY.coach, ACADEMY.groupAdmin, 'learner-01']) {
      const response = await service.call<Submitted>('POST', '/v1/reports', sub, { type: 'registrations' });
      expect(response.status).toBe(403);
      expect(JSON.stringify(response.body)).toMatch(/owner and platform administrators/);
    }
    // A learner who oversees no group may not export statistics either.
    const learner = await service.call<Submitted>('POST', '/v1/reports', 'learner-01', { type: 'general-stats' });
    expect(learner.status).toBe(403);
  });

  it('refuses a coach a filter naming a user or group outside their groups (403), changing nothing', async () => {
    const before = await service.get<{ requests: unknown[] }>('/v1/reports', ACADEMY.coach);
    for (const filters of [{ userIds: ['learner-02'] }, { groupIds: [ACADEMY.groups.support] }]) {
      const response = await service.call<Submitted>('POST', '/v1/reports', ACADEMY.coach, { type: 'general-stats', filters });
      expect(response.status).toBe(403);
      expect(JSON.stringify(response.body)).toMatch(/outside the groups you coach or administer/);
    }
    const after = await service.get<{ requests: unknown[] }>('/v1/reports', ACADEMY.coach);
    expect(after.body.requests).toHaveLength(before.body.requests.length);
  });

  it('answers bad filters with 400 naming the field, and records nothing', async () => {
    const before = await service.get<{ requests: unknown[] }>('/v1/reports', ACADEMY.owner);
    const bad: [Record<string, unknown>, string][] = [
      [{ filters: { groupIds: ['grp-nope'] } }, 'filters.groupIds[0]'],
      [{ filters: { userIds: ['nobody'] } }, 'filters.userIds[0]'],
      [{ filters: { programSessionIds: ['ps-nope'] } }, 'filters.programSessionIds[0]'],
      [{ filters: { customFields: ['shoe size'] } }, 'filters.customFields[0]'],
      [{ filters: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } }, 'filters.to'],
      [{ filters: { from: 'yesterday' } }, 'filters.from'],
      [{ filters: { groupIds: [ACADEMY.groups.sales, ACADEMY.groups.sales] } }, 'filters.groupIds'],
      [{ filters: { colour: 'blue' } }, 'filters'],
      [{ courseId: ACADEMY.courses.safety }, 'courseId'],
      [{ from: '2026-01-01T00:00:00Z' }, 'from'],
      [{ fileName: '../etc/passwd' }, 'fileName'],
    ];
    for (const [body, path] of bad) {
      const response = await service.call<Submitted>('POST', '/v1/reports', ACADEMY.owner, { type: 'general-stats', ...body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(response.body), JSON.stringify(body)).toContain(path);
    }
    // A course report still needs its course and batches.
    const course = await service.call<Submitted>('POST', '/v1/reports', ACADEMY.owner, { type: 'course-progress' });
    expect(course.status).toBe(400);
    const after = await service.get<{ requests: unknown[] }>('/v1/reports', ACADEMY.owner);
    expect(after.body.requests).toHaveLength(before.body.requests.length);
  });

  it('refuses the same export with the same filters while one is in flight (409), and lists exports with fresh links', async () => {
    const body = { type: 'user-statistics', filters: { groupIds: [ACADEMY.groups.ops] } };
    const [a, b] = await Promise.all([
      service.call<Submitted>('POST', '/v1/reports', ACADEMY.owner, body),
      service.call<Submitted>('POST', '/v1/reports', ACADEMY.owner, body),
    ]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const id = (a.status === 202 ? a : b).body.request?.id as string;
    await service.waitForEnd(id, ACADEMY.owner);

    const listed = await service.get<{ requests: { id: string; type: string; batches: { file?: { url: string } }[] }[] }>(
      '/v1/reports',
      ACADEMY.owner,
    );
    expect(listed.status).toBe(200);
    const mine = listed.body.requests.find((r) => r.id === id);
    expect(mine?.type).toBe('user-statistics');
    const url = mine?.batches[0]?.file?.url as string;
    // No password was given this time: a plain ZIP, with the ops group's one member.
    const plain = await openZip((await download(url)).bytes);
    expect(plain.method).not.toMatch(/AES|ZipCrypto/);
    expect(readCsv(plain.text).rows.map((r) => r[2])).toEqual([emailOf('learner-09')]);
    // Another user may not read it, even the org's admin.
    expect((await service.get(`/v1/reports/${id}`, ACADEMY.platformAdmin)).status).toBe(403);
  });
});
