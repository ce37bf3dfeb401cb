import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { requireEnv } from '../config.ts';
import type { Notice, Notifier } from '../domain/ports.ts';
import type { RequesterMail } from '../usecases/workflow-steps/tell-requester.ts';
import { clients } from './aws-clients.ts';
import { logger } from './observability.ts';

/** Sends notices through Amazon SES (API v2) from the configured sender address. */
export class SesNotifier implements Notifier {
  constructor(
    private readonly from: string,
    private readonly ses: SESv2Client = clients.ses,
  ) {}

  async send(notice: Notice): Promise<void> {
    await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [notice.to] },
        Content: {
          Simple: {
            Subject: { Data: notice.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: notice.text, Charset: 'UTF-8' } },
          },
        },
      }),
    );
  }
}

/** Local mode's stand-in for SES: one `.eml` file per message in a folder, to open in any mail reader. */
export class OutboxNotifier implements Notifier {
  constructor(
    private readonly dir: string,
    private readonly from: string,
  ) {}

  async send(notice: Notice): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const now = new Date();
    const name = `${now.toISOString().replace(/[:.]/g, '-')}-${notice.requestId}`;
    // Written aside then renamed: whoever watches the folder never reads half a message.
    const partial = join(this.dir, `.${name}.partial`);
    await writeFile(partial, emlOf(notice, this.from, now), { mode: 0o600 });
    await rename(partial, join(this.dir, `${name}.eml`));
  }
}

/** A plain-text RFC 5322 message; header values lose any line break, so nothing can add a header. */
export function emlOf(notice: Notice, from: string, date: Date): string {
  const oneLine = (value: string) => value.replace(/[\r\n]+/g, ' ');
  const headers = [
    `From: ${oneLine(from)}`,
    `To: ${oneLine(notice.to)}`,
    `Subject: ${encodedWord(oneLine(notice.subject))}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <${randomUUID()}@course-exhaust.local>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  return `${headers.join('\r\n')}\r\n\r\n${notice.text.replace(/\r?\n/g, '\r\n')}`;
}

/** RFC 2047: a header with non-ASCII text is sent as base64 UTF-8. */
function encodedWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/**
 * Logs each notice's fate with the request id only: never the address, and for a failure only
 * the error's type (an SES message can quote the address). Failures are rethrown for the caller,
 * which never lets them touch the report.
 */
export function loggedNotifier(notifier: Notifier): Notifier {
  return {
    async send(notice) {
      try {
        await notifier.send(notice);
        logger.info('Report notice sent', { reportRequestId: notice.requestId });
      } catch (error) {
        logger.warn('Report notice could not be sent', {
          reportRequestId: notice.requestId,
          errorType: (error as Error)?.name ?? 'Error',
        });
        throw error;
      }
    },
  };
}

/** Used in local mode when MAIL_FROM is not set. */
export const LOCAL_MAIL_FROM = 'Course Exhaust <no-reply@course-exhaust.local>';

/**
 * How requesters are told their report ended, from the environment: an outbox folder in local mode
 * (LOCAL_OUTBOX_DIR), SES from MAIL_FROM on AWS, and nothing when neither is set (e-mail is off and
 * requests asking for it are refused). DASHBOARD_URL is where the messages link to.
 */
export function requesterMailFromEnv(): RequesterMail | undefined {
  const outbox = process.env.LOCAL_OUTBOX_DIR;
  const from = process.env.MAIL_FROM;
  if (!outbox && !from) return undefined;
  const dashboardUrl = requireEnv('DASHBOARD_URL');
  const notifier = outbox ? new OutboxNotifier(outbox, from || LOCAL_MAIL_FROM) : new SesNotifier(from as string);
  return { notifier: loggedNotifier(notifier), dashboardUrl };
}

/** Whether this deployment sends notices at all (the API refuses `notifyByEmail` when it does not). */
export const mailConfigured = (): boolean => Boolean(process.env.LOCAL_OUTBOX_DIR || process.env.MAIL_FROM);
