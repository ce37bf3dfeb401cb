import type { Cell } from '../domain/cell.ts';

/**
 * Whether a spreadsheet (Excel, LibreOffice, Sheets) would read text starting with this character
 * as a formula (OWASP CSV injection): = + - @ tab or CR. A switch, not a set: it runs on every cell.
 */
function isFormulaTrigger(code: number): boolean {
  switch (code) {
    case 0x3d: // =
    case 0x2b: // +
    case 0x2d: // -
    case 0x40: // @
    case 0x09: // tab
    case 0x0d: // CR
      return true;
    default:
      return false;
  }
}

/** Prefixes a quote to text a spreadsheet would otherwise evaluate; numbers pass untouched. */
export function neutraliseFormula<T extends Cell>(cell: T): T {
  if (typeof cell !== 'string' || cell.length === 0) return cell;
  return (isFormulaTrigger(cell.charCodeAt(0)) ? `'${cell}` : cell) as T;
}

/**
 * Excel shows long digit-only ids as 1.3093449510953E+17 and loses their last digits. Writing them
 * as the text formula ="…" keeps every digit visible; only ids of 12+ digits get it, which our own
 * formula-neutralising cannot produce from learner data because digits are not formula triggers.
 */
const LONG_NUMERIC_ID = /^[0-9]{12,}$/;

export function excelSafeId<T extends Cell>(cell: T): T {
  return (typeof cell === 'string' && cell.length >= 12 && LONG_NUMERIC_ID.test(cell) ? `="${cell}"` : cell) as T;
}

/** Reverses excelSafeId, for programs that read our CSVs. */
export function readId(cell: string): string {
  const match = /^="([0-9]+)"$/.exec(cell);
  return match ? (match[1] as string) : cell;
}
