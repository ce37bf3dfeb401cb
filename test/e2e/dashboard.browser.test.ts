/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRequestsRepository } from '#shared/adapters/dynamo-requests-repository';
import { dedupeKey } from '#shared/domain/report-request';
import { DEMO, demoRecords } from '../../infra/local/demo-data.ts';
import { issueLocalToken, localEmail } from '../../infra/local/dev-auth.ts';
import { ACADEMY, learnerDemoRecords, seedLearnerDemo } from '../../infra/local/learner-demo-data.ts';
import { PROJECT_ROOT } from '../../infra/paths.ts';
import { addCorruptBatch } from '../support/corrupt-batch.ts';
import { expectedGeneralStats } from '../support/expected-learner-exports.ts';
import { openZip, readCsv, type Service, startService } from '../support/local-service.ts';

/**
 * The real page in Debian's Chromium against the local stack. Playwright's own browser download
 * cannot be reached here, so playwright-core drives the system Chromium; `.ci/run` installs it.
 */
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path): path is string =>
  Boolean(path && existsSync(path)),
);
if (!CHROMIUM) {
  console.warn('Browser tests SKIPPED: no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH).');
}
/** Where the README's screenshot is written; a temporary folder unless asked (SCREENSHOT_DIR=docs). */
const SCREENSHOT_DIR = resolve(PROJECT_ROOT, process.env.SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), 'shots-')));
const PASSWORD = 'Dashboard2026';
/** Fewer learners than the demo's 320 keep the stack's start quick; figures are worked out from the same records. */
const LEARNERS = 80;
const enrolled = (batchId: string) =>
  (demoRecords(LEARNERS) as { kind: string; batchId?: string }[]).filter((r) => r.kind === 'enrolment' && r.batchId === batchId)
    .length;
/** How long to wait for the page to catch up (a busy machine), and for a report to end. */
const SOON = { timeout: 20_000, interval: 100 };
const ENDED = { timeout: 90_000, interval: 250 };

let service: Service;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleErrors: string[];

describe.skipIf(!CHROMIUM)('browser: course dashboard', () => {
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    service = await startService(LEARNERS);
    // launch() gives the browser a fresh, temporary profile (user-data-dir) and deletes it on close.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  const openPage = async (viewport = { width: 1280, height: 900 }) => {
    context = await browser.newContext({ viewport, acceptDownloads: true });
    page = await context.newPage();
    consoleErrors = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(`${service.stack.apiUrl}/`);
  };
  afterEach(async () => {
    expect(consoleErrors).toEqual([]);
    await context?.close();
  });

  const signIn = async (userId: string) => {
    await page.getByLabel('Demo user').selectOption(userId);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByText(`Signed in as ${userId}`).isVisible(), SOON).toBe(true);
  };
  const findAndOpen = async (query: string, courseName: string) => {
    await page.getByLabel('Course do id or name').fill(query);
    await page.getByRole('button', { name: 'Find' }).click();
    const hit = page.getByRole('button', { name: new RegExp(courseName) });
    await hit.click();
    await expect.poll(() => page.locator('#course-title').textContent(), SOON).toBe(courseName);
  };
  const pillOf = (requestId: string) => page.locator(`tr[data-request-id="${requestId}"] .pill`);

  it('lets a creator find the course by part of its name, request course progress, watch it succeed and download the ZIP', async () => {
    await openPage();
    await signIn(DEMO.creator);
    await findAndOpen('classroom', 'Foundations of Classroom Assessment');

    const live = page.locator('tr', { has: page.getByText('Spring cohort (live)', { exact: true }) });
    const expired = page.locator('tr', { has: page.getByText('Pilot cohort (expired)', { exact: true }) });
    expect(await live.locator('td[data-label="Start"]').textContent()).toBe('11 Jan 2026');
    expect(await live.locator('td[data-label="Status"]').textContent()).toBe('Live');
    expect(await live.locator('td[data-label="Enrolment"]').textContent()).toBe(String(enrolled(DEMO.batches.live)));
    expect(await expired.locator('td[data-label="End"]').textContent()).toBe('12 Dec 2025');
    expect(await expired.locator('td[data-label="Status"]').textContent()).toBe('Expired');
    expect(await expired.locator('td[data-label="Enrolment"]').textContent()).toBe(String(enrolled(DEMO.batches.expired)));
    expect(await page.locator('#report-type option').allTextContents()).toEqual([
      'Course progress',
      'User profile',
      'Question set',
      'Enrollments',
      'Exercises',
      'User activity (last month)',
    ]);

    // Every control has a name a screen reader can read out.
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('input, select, button')]
        .filter((el) => el.offsetParent !== null)
        .filter((el) =>
          el instanceof HTMLButtonElement
            ? !el.textContent?.trim()
            : ((el as HTMLInputElement).labels?.length ?? 0) === 0 && !el.getAttribute('aria-label'),
        )
        .map((el) => el.outerHTML),
    );
    expect(unlabelled).toEqual([]);

    const submit = page.getByRole('button', { name: 'Request report' });
    expect(await submit.isDisabled()).toBe(true);
    expect(await page.locator('#submit-reason').textContent()).toBe('Select at least one batch.');
    await page.getByLabel('Spring cohort (live)').check();
    await page.getByLabel('Pilot cohort (expired)').check();
    await page.getByLabel('Report type').selectOption('course-progress');
    expect(await page.locator('#password-rules').textContent()).toContain('at least 6 characters');
    await page.getByLabel(/ZIP password/).fill('short');
    expect(await page.locator('#submit-reason').textContent()).toContain('at least 6 characters');
    await page.getByLabel(/ZIP password/).fill(PASSWORD);
    expect(await submit.isEnabled()).toBe(true);

    // Record every status label the new request's row shows, as the page refreshes itself.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenStatuses: string[] }).seenStatuses = seen;
      const rows = document.getElementById('request-rows') as HTMLElement;
      new MutationObserver(() => {
        const label = rows.querySelector('tr .pill')?.textContent ?? '';
        if (label && seen.at(-1) !== label) seen.push(label);
      }).observe(rows, { childList: true, subtree: true, characterData: true });
    });
    await submit.click();
    const row = page.locator('#request-rows tr').first();
    const requestId = (await row.getAttribute('data-request-id')) as string;
    await expect.poll(() => pillOf(requestId).textContent(), ENDED).toBe('Success');
    const seen = await page.evaluate(() => (window as unknown as { seenStatuses: string[] }).seenStatuses);
    expect(seen[0]).toBe('Submitted');
    expect(seen.at(-1)).toBe('Success');
    expect(await page.locator('#password').inputValue()).toBe('');

    // No presigned URL is ever kept in the page: the link is fetched when the button is clicked.
    expect(await page.content()).not.toContain('X-Amz-');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('button', { name: 'Download Spring cohort (live)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${DEMO.batches.live}_course-progress_\\d{8}\\.zip$`));
    const bytes = readFileSync(await download.path());
    const { name, text } = await openZip(bytes, PASSWORD);
    expect(name).toBe(`${DEMO.batches.live}_course-progress_${DEMO.courseId}.csv`);
    expect(readCsv(text).rows).toHaveLength(enrolled(DEMO.batches.live));
    expect(enrolled(DEMO.batches.live)).toBeGreaterThan(50);

    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const shot = await page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard.png'), fullPage: true });
    expect(shot.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('offers a mentor only the reports they may request, works at 360 px, and by keyboard alone', async () => {
    await openPage({ width: 360, height: 740 });
    await page.getByLabel('Demo user').selectOption(DEMO.mentor);
    await page.getByLabel('Demo user').press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText(`Signed in as ${DEMO.mentor}`).isVisible(), SOON).toBe(true);
    // The search box has the focus after sign-in.
    await page.keyboard.type('foundations');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#hits button').count(), SOON).toBe(1);
    const focusedText = () => page.evaluate(() => document.activeElement?.textContent ?? '');
    for (let i = 0; i < 10 && !(await focusedText()).includes('Foundations'); i += 1) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#course-title').textContent(), SOON).toBe('Foundations of Classroom Assessment');

    expect(await page.locator('#report-type option').allTextContents()).toEqual(['Course progress', 'Question set']);
    expect(await page.locator('#batch-rows tr').count()).toBe(2);
    await page.getByLabel('Spring cohort (live)').focus();
    await page.keyboard.press('Space');
    expect(await page.getByLabel('Spring cohort (live)').isChecked()).toBe(true);
    expect(await page.getByRole('button', { name: 'Request report' }).isEnabled()).toBe(true);

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('blocks a second identical request of the caller while the first is in flight, and says why', async () => {
    // A request of the creator still Submitted, as if its workflow had not begun yet.
    const requests = new DynamoRequestsRepository(service.stack.env.REQUESTS_TABLE as string);
    const now = new Date().toISOString();
    const batchIds = [DEMO.batches.expired];
    await requests.create({
      id: randomUUID(),
      org: DEMO.org,
      type: 'question-set',
      courseId: DEMO.courseId,
      batchIds,
      requestedBy: DEMO.creator,
      status: 'SUBMITTED',
      dedupeKey: dedupeKey(DEMO.org, 'question-set', DEMO.courseId, batchIds, DEMO.creator),
      createdAt: now,
      updatedAt: now,
      batches: { [DEMO.batches.expired]: { status: 'PENDING', updatedAt: now } },
    });
    await openPage();
    await signIn(DEMO.creator);
    await findAndOpen(DEMO.courseId, 'Foundations of Classroom Assessment');
    await expect.poll(() => page.locator('#request-rows .pill').first().textContent(), SOON).toBe('Submitted');

    await page.getByLabel('Report type').selectOption('question-set');
    await page.getByLabel('Pilot cohort (expired)').check();
    const submit = page.getByRole('button', { name: 'Request report' });
    expect(await submit.isDisabled()).toBe(true);
    expect(await page.locator('#submit-reason').textContent()).toBe(
      'An identical request of yours is still submitted; wait for it to finish.',
    );
    // Another set of batches is another request.
    await page.getByLabel('Spring cohort (live)').check();
    expect(await submit.isEnabled()).toBe(true);
  });

  it("e-mails the requester who ticked the box, and the message's link opens that report after sign-in, with a download", async () => {
    await openPage();
    await signIn(DEMO.creator);
    await findAndOpen('classroom', 'Foundations of Classroom Assessment');
    await page.getByLabel('Spring cohort (live)').check();
    await page.getByLabel('Report type').selectOption('question-set');
    await page.getByLabel(/ZIP password/).fill(PASSWORD);
    expect(await page.locator('#notify-hint').textContent()).toContain(`goes to ${localEmail(DEMO.creator)}`);
    await page.getByLabel('E-mail me when it ends').check();
    // Earlier tests' requests are listed too (one stays Submitted for good): the new one is the row that was not there.
    const listed = async () =>
      page.locator('#request-rows tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-request-id') ?? ''));
    const before = new Set(await listed());
    await page.getByRole('button', { name: 'Request report' }).click();
    await expect.poll(async () => (await listed()).filter((id) => !before.has(id)).length, SOON).toBe(1);
    const requestId = (await listed()).find((id) => !before.has(id)) as string;
    await expect.poll(() => pillOf(requestId).textContent(), ENDED).toBe('Success');
    await context.close();

    // The message lands in the local outbox just after the request ends.
    const outbox = service.stack.env.LOCAL_OUTBOX_DIR as string;
    const mine = () => (existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith(`-${requestId}.eml`)) : []);
    await expect.poll(() => mine().length, ENDED).toBe(1);
    const eml = readFileSync(join(outbox, mine()[0] as string), 'utf8');
    expect(eml).toContain(`To: ${localEmail(DEMO.creator)}\r\n`);
    const link = eml.match(/https?:\/\/\S+/)?.[0] as string;
    expect(link).toBe(`${service.stack.apiUrl}/?report=${requestId}`);

    // A fresh browser session follows the link: sign-in first, then that report with its download.
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(link);
    await signIn(DEMO.creator);
    await expect.poll(() => page.locator('#linked-title').textContent(), SOON).toBe('Question set report');
    expect(await page.locator('#linked-status .pill').textContent()).toBe('Success');
    expect(await page.content()).not.toContain('X-Amz-');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page
        .locator('#linked')
        .getByRole('button', { name: `Download ${DEMO.batches.live}` })
        .click(),
    ]);
    const { text } = await openZip(readFileSync(await download.path()), PASSWORD);
    expect(readCsv(text).rows.length).toBeGreaterThan(0);
  });

  it("opens an org export from its e-mail's link: the export's name, the organisation, and one download", async () => {
    const seededAt = new Date();
    await seedLearnerDemo(service.stack.env.RECORDS_TABLE as string, seededAt);
    const owner = await issueLocalToken({ sub: ACADEMY.owner, org: ACADEMY.org, email: localEmail(ACADEMY.owner) });
    const submitted = await service.call<{ request: { id: string } }>('POST', '/v1/reports', owner, {
      type: 'general-stats',
      password: PASSWORD,
      notifyByEmail: true,
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const requestId = submitted.body.request.id;
    expect((await service.waitForEnd(requestId, owner)).status).toBe('SUCCESS');
    const outbox = service.stack.env.LOCAL_OUTBOX_DIR as string;
    const mine = () => (existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith(`-${requestId}.eml`)) : []);
    await expect.poll(() => mine().length, ENDED).toBe(1);
    const link = readFileSync(join(outbox, mine()[0] as string), 'utf8').match(/https?:\/\/\S+/)?.[0] as string;
    expect(link).toBe(`${service.stack.apiUrl}/?report=${requestId}`);

    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    consoleErrors = [];
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(link);
    await signIn(ACADEMY.owner);
    await expect.poll(() => page.locator('#linked-title').textContent(), SOON).toBe('General stats export');
    expect(await page.locator('#linked-summary').textContent()).toMatch(/^Your organisation · requested /);
    expect(await page.locator('#linked').getByRole('button', { name: 'Open its course' }).count()).toBe(0);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#linked').getByRole('button', { name: 'Download', exact: true }).click(),
    ]);
    const { text } = await openZip(readFileSync(await download.path()), PASSWORD);
    const records = learnerDemoRecords(seededAt) as (Record<string, unknown> & { kind: string })[];
    expect(readCsv(text).rows).toEqual(expectedGeneralStats(records, ACADEMY.owner).rows);
  });

  it('shows a failed request as Failure with its short reason', async () => {
    const brokenBatch = 'batch-broken-ui';
    await addCorruptBatch(service, brokenBatch, 'Broken cohort', '2026-02-01T00:00:00.000Z');
    await openPage();
    await signIn(DEMO.creator);
    await findAndOpen('assessment', 'Foundations of Classroom Assessment');
    await page.getByLabel('Broken cohort').check();
    await page.getByLabel('Report type').selectOption('course-progress');
    await page.getByRole('button', { name: 'Request report' }).click();
    const row = page.locator('#request-rows tr').first();
    await expect.poll(() => row.locator('.pill').textContent(), ENDED).toBe('Failure');
    expect(await row.locator('.reason').textContent()).toBe(
      `1 of 1 batches failed (${brokenBatch}: Report generation failed (TypeError))`,
    );
  });
});
