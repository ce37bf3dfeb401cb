import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { CsvLines } from '#shared/report-files/csv-lines';
import { CHUNK_BYTES, Rechunker } from '#shared/report-files/rechunk';

const awkward = [
  ['plain', 'with, comma', 'with "quotes"', 'line\nbreak', 'cr\rhere', '', 'हिन्दी', '東京', 42, 0, -1.5, 'trailing '],
  ['"', '""', ',', 'x\r\ny', 'a"b,c\nd', 7, 'x', 'y', 1e21, 2 ** 60, 100, 'z'],
];

describe('CSV lines (csv-stringify with our cell rules)', () => {
  it('quotes a cell holding a bare line break, so a name with a line break stays one cell of one row', () => {
    const lines = new CsvLines(['User UUID', 'User Name'], new Set([0]));
    const text = lines.rows([
      ['u-1', 'Asha\nRao'],
      ['u-2', 'Ravi\rKumar'],
    ]);
    expect(text).toBe('u-1,"Asha\nRao"\r\nu-2,"Ravi\rKumar"\r\n');
    expect(parse(text)).toEqual([
      ['u-1', 'Asha\nRao'],
      ['u-2', 'Ravi\rKumar'],
    ]);
  });

  it('writes RFC 4180 with CRLF records, as csv-stringify told to quote every line break does', () => {
    const header = awkward[0]?.map((_, i) => `C${i}`) ?? [];
    const text = new CsvLines(header, new Set()).rows(awkward);
    expect(text).toBe(stringify(awkward, { record_delimiter: 'windows', quoted_match: /[\r\n]/ }));
    expect(parse(text)).toEqual(awkward.map((row) => row.map(String)));
  });

  it('quotes a line break wherever it sits in a page, and writes pages without one the same way', () => {
    const header = ['Id', 'Name', 'Score', 'Note'];
    const lines = new CsvLines(header, new Set());
    const page = Array.from({ length: 500 }, (_, i) => [`u-${i}`, `Name ${i}`, i, i % 7 === 0 ? '' : `note, "${i}"`]);
    const reference = (rows: (string | number)[][]) => stringify(rows, { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
    expect(lines.rows(page)).toBe(reference(page));
    for (const at of [0, 250, 499]) {
      for (const breakChar of ['\n', '\r']) {
        const withBreak = page.map((row, i) => (i === at ? [...row.slice(0, 3), `last${breakChar}cell`] : row));
        const text = lines.rows(withBreak);
        expect(text).toBe(reference(withBreak));
        expect(parse(text)).toHaveLength(500);
      }
    }
  });

  it('neutralises formulas in every text cell and keeps long numeric ids exact only in id columns', () => {
    const lines = new CsvLines(['Batch Id', 'Name', 'Score'], new Set([0]));
    expect(lines.rows([['0131234567890123456', '0131234567890123456', -5]])).toBe(
      '"=""0131234567890123456""",0131234567890123456,-5\r\n',
    );
    expect(lines.rows([['=evil', '+91 98450', '']])).toBe("'=evil,'+91 98450,\r\n");
  });

  it("applies the cell rules to its own copy of a row, leaving the caller's rows as they were", () => {
    const rows = [['0131234567890123456', '=evil', 3]];
    expect(new CsvLines(['Batch Id', 'Name', 'Score'], new Set([0])).rows(rows)).toBe(`"=""0131234567890123456""",'=evil,3\r\n`);
    expect(rows).toEqual([['0131234567890123456', '=evil', 3]]);
  });

  it('starts the file with a BOM and a formula-safe header', () => {
    expect(new CsvLines(['Collection Id', '=Module - Progress'], new Set([0])).headerLine()).toBe(
      "\uFEFFCollection Id,'=Module - Progress\r\n",
    );
  });

  it('refuses a row whose cells do not match the header, rather than shifting columns', () => {
    const lines = new CsvLines(['A', 'B'], new Set());
    expect(() => lines.rows([['a']])).toThrow('A row has 1 cells for 2 columns');
    expect(() => lines.rows([['a', 'b', 3]])).toThrow('A row has 3 cells for 2 columns');
  });
});

describe('re-chunking CSV text before the ZIP stream', () => {
  it('hands out exact 128 KiB chunks and the rest, losing no byte and splitting multi-byte characters safely', () => {
    const chunker = new Rechunker();
    const pieces = Array.from({ length: 3000 }, (_, i) => `${i},東京 हिन्दी,${'x'.repeat(i % 97)}\r\n`);
    const out: Buffer[] = [];
    for (const piece of pieces) out.push(...chunker.add(piece));
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((chunk) => chunk.length === CHUNK_BYTES)).toBe(true);
    const rest = chunker.rest();
    if (rest) out.push(rest);
    expect(Buffer.concat(out).toString('utf8')).toBe(pieces.join(''));
    expect(chunker.rest()).toBeUndefined();
  });

  it('splits one page larger than a chunk into several chunks', () => {
    const chunker = new Rechunker();
    const full = chunker.add('a'.repeat(3 * CHUNK_BYTES + 5));
    expect(full.map((c) => c.length)).toEqual([CHUNK_BYTES, CHUNK_BYTES, CHUNK_BYTES]);
    expect(chunker.rest()?.length).toBe(5);
  });
});
