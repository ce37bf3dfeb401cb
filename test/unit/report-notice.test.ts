import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emlOf, loggedNotifier, OutboxNotifier, SesNotifier } from '#shared/adapters/notifiers';
import { logger } from '#shared/adapters/observability';
import { ValidationError } from '#shared/domain/errors';
import type { Notice, Notifier } from '#shared/domain/ports';
import { reportEndedNotice, reportLink } from '#shared/domain/report-notice';
import type { ReportRequest } from '#shared/domain/report-request';
import { type SubmitReportDeps, submitReport } from '#shared/usecases/submit-report';
import { tellRequester } from '#shared/usecases/workflow-steps';
import { type ApiEvent, actorOf } from '../../functions/commons/http.ts';

const ADDRESS = 'asha.rao@example.org';
const DASHBOARD = 'https://d111.cloudfront.net/';
const request = {
  id: '54dc0f7e-0000-4000-8000-000000000001',
  type: 'course-progress',
  courseId: 'do_2138412345678901234',
  batchIds: ['0138412345678901234567', '0138412345678901234999'],
} as const satisfies Pick<ReportRequest, 'id' | 'type' | 'courseId' | 'batchIds'>;
const ended = { ...request, batchIds: [...request.batchIds], notifyEmail: ADDRESS } as unknown as ReportRequest;

const sesMock = mockClient(SESv2Client);
afterEach(() => {
  sesMock.reset();
  vi.restoreAllMocks();
});

describe('the "report ended" message', () => {
  it('links to the dashboard opened on the request, never to a presigned file URL', () => {
    const notice = reportEndedNotice(request, { status: 'SUCCESS' }, ADDRESS, DASHBOARD);
    const link = `${DASHBOARD}?report=${request.id}`;
    expect(reportLink(DASHBOARD, request.id)).toBe(link);
    expect(notice).toMatchObject({ requestId: request.id, to: ADDRESS, subject: 'Your course-progress report is ready' });
    expect(notice.text).toContain(`\n${link}\n`);
    expect(notice.text).toContain('course-progress report on course do_2138412345678901234, 2 batches');
    expect(notice.text).not.toMatch(/X-Amz-|amazonaws\.com|\.zip/);
  });

  it('says why a report failed, with the short reason the requester also reads in the API', () => {
    const notice = reportEndedNotice(request, { status: 'FAILED', error: '1 of 2 batches failed (b: boom)' }, ADDRESS, DASHBOARD);
    expect(notice.subject).toBe('Your course-progress report failed');
    expect(notice.text).toContain('could not be made: 1 of 2 batches failed (b: boom)');
    expect(notice.text).toContain(`${DASHBOARD}?report=${request.id}`);
  });

  it('keeps a dashboard path and its own query when adding the report id', () => {
    expect(reportLink('http://127.0.0.1:3000/app/?lang=hi', 'r-1')).toBe('http://127.0.0.1:3000/app/?lang=hi&report=r-1');
  });

  it('is written as a plain-text .eml whose headers no value can break out of', () => {
    const notice: Notice = { requestId: 'r', to: `${ADDRESS}\r\nBcc: evil@example.com`, subject: 'नींव ready', text: 'a\nb\n' };
    const eml = emlOf(notice, 'Reports <reports@example.com>', new Date('2026-11-29T14:00:00Z'));
    const [head = '', body] = eml.split('\r\n\r\n');
    expect(head.split('\r\n')).toContain(`To: ${ADDRESS} Bcc: evil@example.com`);
    expect(head).not.toMatch(/^Bcc:/m);
    expect(head).toContain(`Subject: =?UTF-8?B?${Buffer.from('नींव ready').toString('base64')}?=`);
    expect(head).toContain('Date: Sun, 29 Nov 2026 14:00:00 GMT');
    expect(body).toBe('a\r\nb\r\n');
  });
});

describe('notifier error paths', () => {
  it('sends through SES v2 from the configured sender to the one recipient', async () => {
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const ses = new SESv2Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    await new SesNotifier('reports@example.com', ses).send(reportEndedNotice(request, { status: 'SUCCESS' }, ADDRESS, DASHBOARD));
    const input = sesMock.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.FromEmailAddress).toBe('reports@example.com');
    expect(input?.Destination?.ToAddresses).toEqual([ADDRESS]);
    expect(input?.Content?.Simple?.Subject?.Data).toBe('Your course-progress report is ready');
  });

  it('lets an SES refusal through to the caller, logged with the request id and error type but not the address', async () => {
    // SES's own messages can quote the address: only the error's type may reach the log.
    const refusal = Object.assign(new Error(`Email address is not verified: ${ADDRESS}`), { name: 'MessageRejected' });
    sesMock.on(SendEmailCommand).rejects(refusal);
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const ses = new SESv2Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const notifier = loggedNotifier(new SesNotifier('reports@example.com', ses));
    await expect(notifier.send(reportEndedNotice(request, { status: 'SUCCESS' }, ADDRESS, DASHBOARD))).rejects.toThrow(
      'not verified',
    );
    expect(warn).toHaveBeenCalledWith('Report notice could not be sent', {
      reportRequestId: request.id,
      errorType: 'MessageRejected',
    });
    expect(JSON.stringify(warn.mock.calls)).not.toContain(ADDRESS);
  });

  it('fails to write into an outbox that is not a folder, and leaves nothing half-written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    try {
      const notFolder = join(dir, 'outbox');
      writeFileSync(notFolder, 'a file where the folder should be');
      const notice = reportEndedNotice(request, { status: 'SUCCESS' }, ADDRESS, DASHBOARD);
      await expect(new OutboxNotifier(notFolder, 'r@example.com').send(notice)).rejects.toThrow();
      const good = join(dir, 'good');
      await new OutboxNotifier(good, 'r@example.com').send(notice);
      const files = readdirSync(good);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(new RegExp(`-${request.id}\\.eml$`));
      expect(readFileSync(join(good, files[0] as string), 'utf8')).toContain(`To: ${ADDRESS}\r\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never lets a failed send reach the step that ended the report', async () => {
    const broken: Notifier = { send: () => Promise.reject(new Error('SES is down')) };
    const mail = { notifier: broken, dashboardUrl: DASHBOARD };
    await expect(tellRequester(ended, { status: 'SUCCESS' }, mail)).resolves.toBe('failed');
  });

  it('tells only the call that ended the request, and only a requester who asked', async () => {
    const sent: Notice[] = [];
    const mail = { notifier: { send: async (n: Notice) => void sent.push(n) }, dashboardUrl: DASHBOARD };
    expect(await tellRequester(undefined, { status: 'SUCCESS' }, mail)).toBe('not-asked');
    expect(await tellRequester({ ...ended, notifyEmail: undefined }, { status: 'SUCCESS' }, mail)).toBe('not-asked');
    expect(await tellRequester(ended, { status: 'SUCCESS' }, undefined)).toBe('not-asked');
    expect(await tellRequester(ended, { status: 'FAILED', error: 'x' }, mail)).toBe('sent');
    expect(sent.map((n) => [n.to, n.subject])).toEqual([[ADDRESS, 'Your course-progress report failed']]);
  });
});

describe('who is told', () => {
  const event = (claims: Record<string, string>) =>
    ({ requestContext: { authorizer: { jwt: { claims: { sub: 'u', org: 'o', ...claims } } } } }) as unknown as ApiEvent;

  it("takes the token's verified email claim, and nothing from an unverified or malformed one", () => {
    expect(actorOf(event({ email: ADDRESS, email_verified: 'true' })).email).toBe(ADDRESS);
    expect(actorOf(event({ email: ADDRESS })).email).toBe(ADDRESS);
    expect(actorOf(event({ email: ADDRESS, email_verified: 'false' })).email).toBeUndefined();
    expect(actorOf(event({ email: 'not an address' })).email).toBeUndefined();
    expect(actorOf(event({})).email).toBeUndefined();
  });

  it('refuses notifyByEmail with a 400 reason, before reading or writing anything, when no address or no sender is known', async () => {
    const untouched = new Proxy(
      {},
      {
        get: (_target, name) => () => {
          throw new Error(`nothing may be read or written, yet ${String(name)} was called`);
        },
      },
    );
    const deps = {
      records: untouched,
      requests: untouched,
      workflow: untouched,
      sealer: untouched,
      clock: untouched,
    } as unknown as SubmitReportDeps;
    const input = { type: 'course-progress' as const, courseId: 'c', batchIds: ['b'], notifyByEmail: true };
    const noAddress = submitReport(input, { userId: 'u', org: 'o' }, { ...deps, mailEnabled: true });
    await expect(noAddress).rejects.toBeInstanceOf(ValidationError);
    await expect(noAddress).rejects.toMatchObject({ issues: [{ path: 'notifyByEmail' }] });
    const noSender = submitReport(input, { userId: 'u', org: 'o', email: ADDRESS }, { ...deps, mailEnabled: false });
    await expect(noSender).rejects.toThrow('not set up to send e-mail');
  });
});
