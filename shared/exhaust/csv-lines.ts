import { type Options, stringify } from 'csv-stringify/sync';
import type { Cell } from '../domain/cell.ts';
import { excelSafeId, neutraliseFormula } from './cells.ts';

/**
 * CSV for humans, written by csv-stringify: UTF-8 with a BOM, CRLF records, RFC 4180 quoting, and
 * our two cell rules as casts — every text cell formula-neutralised, and long numeric ids in id
 * columns written as ="…" so Excel keeps every digit.
 */
const BASE_OPTIONS: Options = {
  record_delimiter: 'windows',
  // With CRLF records csv-stringify leaves a bare \n or \r in a cell unquoted, which breaks the row
  // for every reader; quoting any line break keeps it one cell.
  quoted_match: /[\r\n]/,
};

export class CsvLines {
  private readonly rowOptions: Options;
  private readonly width: number;

  /** `idColumns`: positions of the columns that hold identifiers. */
  constructor(
    private readonly header: readonly string[],
    idColumns: ReadonlySet<number>,
  ) {
    this.width = header.length;
    this.rowOptions = {
      ...BASE_OPTIONS,
      cast: {
        string: (value, context) =>
          typeof context.column === 'number' && idColumns.has(context.column)
            ? excelSafeId(neutraliseFormula(value))
            : neutraliseFormula(value),
      },
    };
  }

  /** The BOM and the header line; headers are course content too (module names), so formula-safe. */
  headerLine(): string {
    return stringify([this.header.map(neutraliseFormula)], { ...BASE_OPTIONS, bom: true });
  }

  /** A page of rows as CSV records, CRLF after each. */
  rows(rows: readonly (readonly Cell[])[]): string {
    for (let r = 0; r < rows.length; r += 1) {
      const cells = (rows[r] as readonly Cell[]).length;
      // A row and header that disagree would shift every later cell under the wrong header.
      if (cells !== this.width) throw new Error(`A row has ${cells} cells for ${this.width} columns`);
    }
    return rows.length === 0 ? '' : stringify(rows as Cell[][], this.rowOptions);
  }
}
