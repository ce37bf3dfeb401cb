import type { Cell } from '../domain/cell.ts';
import type { LearnerBundle } from '../domain/records.ts';

/**
 * One column of a report: its header and how a row's cell is read, side by side, so a header can
 * never sit over another column's cells. `Row` is what the report prepared for one row (a learner,
 * a learner's attempt at a question, …), computed once and read by every column.
 */
export interface Column<Row> {
  header: string;
  cell: (row: Row) => Cell;
  /** The column holds identifiers: kept exact (every digit) when a spreadsheet opens the file. */
  id?: true;
}

/** What the CSV writer needs: a fixed header, which columns hold ids, and each learner's rows. */
export interface FileLayout<Input = LearnerBundle> {
  header: string[];
  /** Positions of the id columns. */
  idColumns: ReadonlySet<number>;
  /** One learner's (or export user's) rows, each with one cell per header, in header order. */
  rows(input: Input): Cell[][];
}

/**
 * Binds a report's columns to how it turns a learner into rows. Headers must be unique and
 * non-empty: a duplicate would leave a reader unable to tell two columns apart.
 */
export function fileLayout<Row, Input = LearnerBundle>(
  columns: readonly Column<Row>[],
  rowsOf: (input: Input) => readonly Row[],
): FileLayout<Input> {
  const seen = new Set<string>();
  for (const { header } of columns) {
    if (header.trim() === '') throw new Error('A report column has an empty header');
    if (seen.has(header)) throw new Error(`Two report columns share the header "${header}"`);
    seen.add(header);
  }
  const cells = columns.map((column) => column.cell);
  const width = cells.length;
  return {
    header: columns.map((column) => column.header),
    idColumns: new Set(columns.flatMap((column, i) => (column.id ? [i] : []))),
    rows(input) {
      const contexts = rowsOf(input);
      const rows = new Array<Cell[]>(contexts.length);
      for (let r = 0; r < contexts.length; r += 1) {
        const context = contexts[r] as Row;
        const row = new Array<Cell>(width);
        for (let c = 0; c < width; c += 1) row[c] = (cells[c] as (row: Row) => Cell)(context);
        rows[r] = row;
      }
      return rows;
    },
  };
}
