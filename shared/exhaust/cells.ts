import type { Cell } from '../reports/report-definition.ts';
import { CSV_EOL, encodeCell } from './csv-encoding.ts';

/** Characters that make Excel, LibreOffice or Sheets read a cell as a formula (OWASP CSV injection). */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

/** Prefixes a quote to text a spreadsheet would otherwise evaluate; numbers pass untouched. */
export function neutraliseFormula(cell: Cell): Cell {
  if (typeof cell !== 'string' || cell.length === 0) return cell;
  return FORMULA_TRIGGERS.has(cell[0] as string) ? `'${cell}` : cell;
}

/**
 * Excel shows long digit-only ids as 1.3093449510953E+17 and loses their last digits. Writing them
 * as the text formula ="…" keeps every digit visible; only ids of 12+ digits get it, which our own
 * formula-neutralising cannot produce from learner data because digits are not formula triggers.
 */
const LONG_NUMERIC_ID = /^[0-9]{12,}$/;

export function excelSafeId(cell: Cell): Cell {
  return typeof cell === 'string' && LONG_NUMERIC_ID.test(cell) ? `="${cell}"` : cell;
}

/** Reverses excelSafeId, for programs that read our CSVs. */
export function readId(cell: string): string {
  const match = /^="([0-9]+)"$/.exec(cell);
  return match ? (match[1] as string) : cell;
}

/**
 * Builds the row encoder for a header, deciding once which columns hold ids: each cell is made
 * formula-safe, long ids Excel-safe, then quoted as CSV, in one pass over the row.
 */
export function rowEncoder(header: readonly string[], idColumns: ReadonlySet<string>): (row: readonly Cell[]) => string {
  const isId = header.map((name) => idColumns.has(name));
  return (row) => {
    let line = '';
    for (let i = 0; i < row.length; i += 1) {
      const safe = neutraliseFormula(row[i] as Cell);
      line += (i > 0 ? ',' : '') + encodeCell(isId[i] ? excelSafeId(safe) : safe);
    }
    return line + CSV_EOL;
  };
}
