import type { Notice } from './ports.ts';
import type { ReportRequest } from './report-request.ts';

/** Query parameter of the dashboard that opens one request: `{dashboard}/?report={id}`. */
export const REPORT_LINK_PARAM = 'report';

/**
 * The link a message carries: the dashboard opened on the request, not a presigned URL. A
 * presigned link would expire within 30 minutes and would let whoever holds the message download
 * the file; this one asks for sign-in, and the dashboard then mints a fresh link on each download.
 */
export function reportLink(dashboardUrl: string, requestId: string): string {
  const url = new URL(dashboardUrl);
  url.searchParams.set(REPORT_LINK_PARAM, requestId);
  return url.toString();
}

/**
 * The message that tells a requester their report ended. It names the report by type, course and
 * batches (ids the requester chose) and, when it failed, the short requester-facing reason; it
 * holds no learner data, no password and no file link.
 */
export function reportEndedNotice(
  request: Pick<ReportRequest, 'id' | 'type' | 'courseId' | 'batchIds'>,
  outcome: { status: 'SUCCESS' | 'FAILED'; error?: string | undefined },
  to: string,
  dashboardUrl: string,
): Notice {
  const link = reportLink(dashboardUrl, request.id);
  const batches = `${request.batchIds.length} batch${request.batchIds.length === 1 ? '' : 'es'} (${request.batchIds.join(', ')})`;
  // An org export names no course: it covers the requester's organisation.
  const what =
    request.courseId === undefined
      ? `your ${request.type} export of your organisation`
      : `your ${request.type} report on course ${request.courseId}, ${batches}`;
  const lines =
    outcome.status === 'SUCCESS'
      ? [
          `Hello,`,
          '',
          `${capitalise(what)} is ready.`,
          '',
          'Open it here to download the files (you will be asked to sign in; each download gets a fresh link):',
          link,
        ]
      : [
          `Hello,`,
          '',
          `${capitalise(what)} could not be made: ${outcome.error ?? 'Report generation failed'}`,
          '',
          'See it here (you will be asked to sign in); you may request it again:',
          link,
        ];
  lines.push('', `Request ${request.id}`, '', '— Course Exhaust (an automatic message; replies are not read)');
  return {
    requestId: request.id,
    to,
    subject: outcome.status === 'SUCCESS' ? `Your ${request.type} report is ready` : `Your ${request.type} report failed`,
    text: `${lines.join('\n')}\n`,
  };
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
