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
 * One column's cells, each with its separating comma in front, so a line is one concatenation per
 * cell. Numbers take a fast path, and the column remembers how it encoded its commonest values,
 * unless they turn out to be mostly distinct.
 */
class ColumnEncoder {
  private memo: Map<string, string> | undefined = new Map();
  private seen = 0;
  private hits = 0;
  private last = '';
  private lastEncoded = '';

  constructor(
    private readonly separator: string,
    private readonly isId: boolean,
  ) {}

  encode(cell: Cell): string {
    if (typeof cell === 'number') return separatedNumber(cell, this.separator);
    if (cell.length === 0) return this.separator;
    // Batch-wide cells (course, batch) repeat row after row: one comparison, no lookup.
    if (cell === this.last) return this.lastEncoded;
    const encoded = this.memoised(cell);
    this.last = cell;
    this.lastEncoded = encoded;
    return encoded;
  }

  private memoised(text: string): string {
    const memo = this.memo;
    if (memo === undefined) return this.separator + encodeTextCell(text, this.isId);
    this.seen += 1;
    const known = memo.get(text);
    if (known !== undefined) {
      this.hits += 1;
      return known;
    }
    const encoded = this.separator + encodeTextCell(text, this.isId);
    if (this.seen === MEMO_TRIAL && this.hits * 2 < this.seen) this.memo = undefined;
    else if (memo.size < MEMO_LIMIT) memo.set(text, encoded);
    return encoded;
  }

  /** Whether the column still looks its values up (for tests). */
  get memoising(): boolean {
    return this.memo !== undefined;
  }
}

/**
 * Encodes rows under a header, deciding once which columns hold ids. This is the innermost loop of
 * every exhaust.
 */
export class RowEncoder {
  private readonly columns: ColumnEncoder[];

  constructor(header: readonly string[], idColumns: ReadonlySet<string>) {
    this.columns = header.map((name, i) => new ColumnEncoder(i === 0 ? '' : ',', idColumns.has(name)));
  }

  /** One CSV line, CRLF included. */
  encode(row: readonly Cell[]): string {
    const columns = this.columns;
    // A report whose rows and columns disagree would shift every later cell under the wrong header.
    if (row.length !== columns.length) throw new Error(`A row has ${row.length} cells for ${columns.length} columns`);
    let line = '';
    for (let i = 0; i < row.length; i += 1) line += (columns[i] as ColumnEncoder).encode(row[i] as Cell);
    return line + CSV_EOL;
  }

  /** Per column, whether it still looks its values up. */
  get memoising(): boolean[] {
    return this.columns.map((column) => column.memoising);
  }
}
