import type { Cell } from '../reports/report-definition.ts';
import { CSV_EOL, encodeCell } from './csv-encoding.ts';

/** First characters that make Excel, LibreOffice or Sheets read a cell as a formula (OWASP CSV injection). */
const FORMULA_TRIGGERS = ['=', '+', '-', '@', '\t', '\r'];
const FORMULA_TRIGGER_CODES = new Set(FORMULA_TRIGGERS.map((c) => c.charCodeAt(0)));

/** Prefixes a quote to text a spreadsheet would otherwise evaluate; numbers pass untouched. */
export function neutraliseFormula(cell: Cell): Cell {
  if (typeof cell !== 'string' || cell.length === 0) return cell;
  return FORMULA_TRIGGER_CODES.has(cell.charCodeAt(0)) ? `'${cell}` : cell;
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

/** One text cell made formula-safe (and, in id columns, Excel-safe), then CSV-quoted. */
export function encodeTextCell(text: string, isIdColumn: boolean): string {
  const safe = neutraliseFormula(text);
  return encodeCell(isIdColumn ? excelSafeId(safe) : safe);
}

/** Distinct values remembered per column; low-cardinality columns (names, states, scores) hit. */
const MEMO_LIMIT = 4096;
/** After this many values, a column whose values mostly differ (ids, dates) stops looking them up. */
const MEMO_TRIAL = 2048;

/** ',0' … ',100': progress and score columns are small whole numbers in every row. */
const SEPARATED_SMALL_INTS = Array.from({ length: 101 }, (_, n) => `,${n}`);

function separatedNumber(n: number, separator: string): string {
  if (separator === '') return String(n);
  return Number.isInteger(n) && n >= 0 && n <= 100 ? (SEPARATED_SMALL_INTS[n] as string) : `,${n}`;
}

/**
 * Builds the row encoder for a header, deciding once which columns hold ids. This is the innermost
 * loop of every exhaust. Each column's cells are produced with their separating comma already in
 * front, so a line is one concatenation per cell; numbers take a fast path; and each column
 * remembers how it encoded its commonest values unless they turn out to be mostly distinct.
 */
export function rowEncoder(header: readonly string[], idColumns: ReadonlySet<string>): (row: readonly Cell[]) => string {
  const columns = header.map((name, i) => ({
    separator: i === 0 ? '' : ',',
    isId: idColumns.has(name),
    memo: new Map<string, string>() as Map<string, string> | undefined,
    seen: 0,
    hits: 0,
    last: '',
    lastEncoded: '',
  }));
  type Column = (typeof columns)[number];
  const encodeText = (text: string, column: Column): string => {
    // Batch-wide cells (course, batch) repeat row after row: one comparison, no lookup.
    if (text === column.last) return column.lastEncoded;
    const encoded = encodeMemoised(text, column);
    column.last = text;
    column.lastEncoded = encoded;
    return encoded;
  };
  const encodeMemoised = (text: string, column: Column): string => {
    const memo = column.memo;
    if (memo === undefined) return column.separator + encodeTextCell(text, column.isId);
    column.seen += 1;
    const known = memo.get(text);
    if (known !== undefined) {
      column.hits += 1;
      return known;
    }
    const encoded = column.separator + encodeTextCell(text, column.isId);
    if (column.seen === MEMO_TRIAL && column.hits * 2 < column.seen) column.memo = undefined;
    else if (memo.size < MEMO_LIMIT) memo.set(text, encoded);
    return encoded;
  };
  return (row) => {
    let line = '';
    for (let i = 0; i < row.length; i += 1) {
      const cell = row[i] as Cell;
      const column = columns[i] as Column;
      if (typeof cell === 'number') line += separatedNumber(cell, column.separator);
      else if (cell.length > 0) line += encodeText(cell, column);
      else line += column.separator;
    }
    return line + CSV_EOL;
  };
}
