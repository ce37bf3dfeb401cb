import { stringify } from 'csv-stringify/sync';
import type { CourseReport, ReportContext } from './reports.ts';

export type OutputFormat = 'json' | 'csv';

export const CONTENT_TYPES: Record<OutputFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/**
 * CSV as the integrators' seed shows it: header first, strings quoted, numbers and booleans bare,
 * empty for null. LF records; `quoted_match` makes sure a cell holding a bare CR or LF is quoted
 * (csv-stringify does not always, DESIGN §7).
 */
const CSV_OPTIONS = {
  quoted_string: true,
  quoted_match: /[\r\n]/,
  record_delimiter: 'unix',
  cast: { boolean: (value: boolean) => (value ? 'true' : 'false') },
} as const;

/**
 * Encodes a report page by page as text chunks: the JSON envelope `{"result":"success","data":[…]}`
 * or CSV. One chunk per page of learners, so nothing grows with the course but the output itself.
 */
export async function* encodeReport<L>(
  format: OutputFormat,
  report: CourseReport<L>,
  context: ReportContext,
  pages: AsyncIterable<L[]>,
): AsyncIterable<string> {
  if (format === 'csv') {
    yield stringify([report.csvColumns(context)], CSV_OPTIONS);
    for await (const page of pages) {
      const rows = page.flatMap((learner) => report.csvRows(learner, context));
      if (rows.length > 0) yield stringify(rows, CSV_OPTIONS);
    }
    return;
  }
  yield '{"result":"success","data":[';
  let first = true;
  for await (const page of pages) {
    if (page.length === 0) continue;
    // One JSON.stringify per page, its brackets dropped: the same text as joining each item's.
    const items = JSON.stringify(page.map((learner) => report.jsonItem(learner, context))).slice(1, -1);
    yield first ? items : `,${items}`;
    first = false;
  }
  yield ']}';
}
