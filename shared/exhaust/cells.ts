import type { Cell } from '../domain/cell.ts';

/** First characters that make Excel, LibreOffice or Sheets read a cell as a formula (OWASP CSV injection). */
const FORMULA_TRIGGER_CODES = new Set(['=', '+', '-', '@', '\t', '\r'].map((c) => c.charCodeAt(0)));

/** Prefixes a quote to text a spreadsheet would otherwise evaluate; numbers pass untouched. */
export function neutraliseFormula<T extends Cell>(cell: T): T {
  if (typeof cell !== 'string' || cell.length === 0) return cell;
  return (FORMULA_TRIGGER_CODES.has(cell.charCodeAt(0)) ? `'${cell}` : cell) as T;
}

/**
 * Excel shows long digit-only ids as 1.3093449510953E+17 and loses their last digits. Writing them
 * as the text formula ="…" keeps every digit visible; only ids of 12+ digits get it, which our own
 * formula-neutralising cannot produce from learner data because digits are not formula triggers.
 */
const LONG_NUMERIC_ID = /^[0-9]{12,}$/;

export function excelSafeId<T extends Cell>(cell: T): T {
  return (typeof cell === 'string' && LONG_NUMERIC_ID.test(cell) ? `="${cell}"` : cell) as T;
}

/** Reverses excelSafeId, for programs that read our CSVs. */
export function readId(cell: string): string {
  const match = /^="([0-9]+)"$/.exec(cell);
  return match ? (match[1] as string) : cell;
}
