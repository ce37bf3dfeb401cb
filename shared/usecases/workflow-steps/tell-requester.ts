import type { Notifier } from '../../domain/ports.ts';
import { reportEndedNotice } from '../../domain/report-notice.ts';
import type { ReportRequest } from '../../domain/report-request.ts';

/** How requesters are told that their report ended: the sender, and the dashboard the message links to. */
export interface RequesterMail {
  notifier: Notifier;
  /** The dashboard's address; the message links to it with `?report={id}`. */
  dashboardUrl: string;
}

export type TellOutcome = 'sent' | 'not-asked' | 'failed';

/**
 * Tells the requester that their request ended, if they asked to be told. `ended` is what
 * `RequestsRepository.finish` returned: the request as it was before this step ended it, or
 * undefined when another step (or an earlier try of this one) had ended it already, which is
 * then the one that tells. A failure to send is the notifier's to log; it never fails the step
 * nor changes the report, which has ended whatever the mail does.
 */
export async function tellRequester(
  ended: ReportRequest | undefined,
  outcome: { status: 'SUCCESS' | 'FAILED'; error?: string | undefined },
  mail: RequesterMail | undefined,
): Promise<TellOutcome> {
  if (!ended?.notifyEmail || !mail) return 'not-asked';
  try {
    await mail.notifier.send(reportEndedNotice(ended, outcome, ended.notifyEmail, mail.dashboardUrl));
    return 'sent';
  } catch {
    return 'failed';
  }
}
