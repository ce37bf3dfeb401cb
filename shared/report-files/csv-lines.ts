import { type Options, stringify } from 'csv-stringify/sync';
import type { Cell } from '../domain/cell.ts';
import { excelSafeId, neutraliseFormula } from './cells.ts';

/**
 * CSV for humans, written by csv-stringify: UTF-8 with a BOM, CRLF records, RFC 4180 quoting, and
 * our two cell rules — every text cell formula-neutralised, and long numeric ids in id columns
 * written as ="…" so Excel keeps every digit.
 */
const BASE_OPTIONS: Options = {
  record_delimiter: 'windows',
  // With CRLF records csv-stringify leaves a bare \n or \r in a cell unquoted, which breaks the row
  // for every reader; quoting any line break keeps it one cell.
  quoted_match: /[\r\n]/,
  // quoted_match above already quotes every cell holding \r or \n, so csv-stringify's own second
  // search of each cell for them is redundant (the output is the same; it costs ~15% of its time).
  quote_record_delimiter: false,
};
/**
 * For a page with no line break in any cell, quoted_match cannot fire, so it is left out: its regex
 * test of every cell was a quarter of csv-stringify's time. The output is the same either way.
 */
const WITHOUT_LINE_BREAKS: Options = { record_delimiter: 'windows', quote_record_delimiter: false };

const hasLineBreak = (text: string): boolean => text.includes('\n') || text.includes('\r');

export class CsvLines {
  private readonly width: number;
  /** Per column: whether it holds identifiers. */
  private readonly isId: boolean[];

  /** `idColumns`: positions of the columns that hold identifiers. */
  constructor(
    private readonly header: readonly string[],
    idColumns: ReadonlySet<number>,
  ) {
    this.width = header.length;
    this.isId = header.map((_, column) => idColumns.has(column));
  }

  /** The BOM and the header line; headers are course content too (module names), so formula-safe. */
  headerLine(): string {
    return stringify([this.header.map(neutraliseFormula)], { ...BASE_OPTIONS, bom: true });
  }

  /** A page of rows as CSV records, CRLF after each. */
  rows(rows: readonly (readonly Cell[])[]): string {
    if (rows.length === 0) return '';
    // Our cell rules run here, in one loop over the page, rather than as csv-stringify's `cast`
    // (a callback per cell through its generic dispatch, measured ~20% of its time). A row is
    // copied only when a rule changes one of its cells: the caller's rows are never modified.
    const safe = new Array<readonly Cell[]>(rows.length);
    let lineBreaks = false;
    for (let r = 0; r < rows.length; r += 1) {
      const row = rows[r] as readonly Cell[];
      // A row and header that disagree would shift every later cell under the wrong header.
      if (row.length !== this.width) throw new Error(`A row has ${row.length} cells for ${this.width} columns`);
      let out: Cell[] | undefined;
      for (let c = 0; c < row.length; c += 1) {
        const cell = row[c] as Cell;
        if (typeof cell !== 'string' || cell.length === 0) continue;
        if (!lineBreaks && hasLineBreak(cell)) lineBreaks = true;
        const written = this.isId[c] ? excelSafeId(neutraliseFormula(cell)) : neutraliseFormula(cell);
        if (written !== cell) {
          out ??= row.slice();
          out[c] = written;
        }
      }
      safe[r] = out ?? row;
    }
    return stringify(safe as Cell[][], lineBreaks ? BASE_OPTIONS : WITHOUT_LINE_BREAKS);
  }
}
