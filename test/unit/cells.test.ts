import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { excelSafeId, neutraliseFormula, RowEncoder, readId } from '#shared/exhaust/cells';
import { encodeRow } from '#shared/exhaust/csv-encoding';
import { decodeList, encodeList } from '#shared/exhaust/list-encoding';

describe('CSV cells for humans', () => {
  it.each(['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx'])('neutralises a cell starting like a formula: %j', (value) => {
    expect(neutraliseFormula(value)).toBe(`'${value}`);
  });

  it('leaves ordinary text and numbers as they are', () => {
    expect(neutraliseFormula('Govt. School')).toBe('Govt. School');
    expect(neutraliseFormula(-5)).toBe(-5);
    expect(neutraliseFormula('')).toBe('');
  });

  it('keeps long numeric ids exact in Excel and readable back', () => {
    expect(excelSafeId('0131234567890123456')).toBe('="0131234567890123456"');
    expect(readId('="0131234567890123456"')).toBe('0131234567890123456');
    expect(excelSafeId('do_123')).toBe('do_123');
    expect(excelSafeId('12345')).toBe('12345');
  });

  it('applies id formatting only to id columns, neutralising everywhere', () => {
    const encoder = new RowEncoder(['Batch Id', 'Name'], new Set(['Batch Id']));
    const encode = (row: (string | number)[]) => encoder.encode(row);
    expect(encode(['0131234567890123456', '0131234567890123456'])).toBe('"=""0131234567890123456""",0131234567890123456\r\n');
    expect(encode(['=evil', '=evil'])).toBe("'=evil,'=evil\r\n");
    expect(encode([7, 'a,b'])).toBe('7,"a,b"\r\n');
  });

  it('writes numbers as JavaScript prints them, in the first column and the others, blanks as empty cells', () => {
    const encoder = new RowEncoder(['A', 'B', 'C'], new Set());
    const encode = (row: (string | number)[]) => encoder.encode(row);
    for (const n of [0, 7, 100, 101, -1, -0, 2.5, 99.5, 1e21, 2 ** 60]) {
      expect(encode([n, n, ''])).toBe(`${String(n)},${String(n)},\r\n`);
      expect(encode(['', '', n])).toBe(`,,${String(n)}\r\n`);
    }
    expect(encode(['', '', ''])).toBe(',,\r\n');
  });

  it('encodes every row by its own cells, however values repeat or alternate down a column', () => {
    const encoder = new RowEncoder(['Batch Id', 'Name'], new Set(['Batch Id']));
    const values = ['=x', 'plain', 'a,b', '0131234567890123456', '', 'plain'];
    // Enough rows for each column's memo to settle, with every value following every other.
    for (let i = 0; i < 5000; i += 1) {
      const value = values[(i + (i >> 2)) % values.length] as string;
      const expected = encodeRow([excelSafeId(neutraliseFormula(value)), neutraliseFormula(value)]);
      expect(encoder.encode([value, value])).toBe(expected);
    }
    expect(encoder.memoising).toEqual([true, true]);
  });

  it('stops memoising a column whose values mostly differ, and still encodes it right', () => {
    const encoder = new RowEncoder(['User UUID', 'Name'], new Set(['User UUID']));
    for (let i = 0; i < 3000; i += 1) {
      expect(encoder.encode([`01312345678901${i}`, `=n${i}`])).toBe(`"=""01312345678901${i}""",'=n${i}\r\n`);
    }
    expect(encoder.memoising).toEqual([false, false]);
    // Repeats after the switch take the same path as everything else.
    for (const value of ['a,b', 'a,b', '=x', 'plain', 'plain']) {
      expect(encoder.encode([value, value])).toBe(encodeRow([neutraliseFormula(value), neutraliseFormula(value)]));
    }
  });

  it('refuses a row whose cells do not match the header, rather than shifting columns', () => {
    const encoder = new RowEncoder(['A', 'B'], new Set());
    expect(() => encoder.encode(['a'])).toThrow('A row has 1 cells for 2 columns');
    expect(() => encoder.encode(['a', 'b', 3])).toThrow('A row has 3 cells for 2 columns');
  });
});

describe('list encoding inside one cell', () => {
  const awkward = ['Paris, France', 'say "hi"', 'line one\nline two', 'हिन्दी पाठ', '東京', '', '=1+1'];

  it('round-trips awkward items through a CSV file', () => {
    const csv = stringify([
      ['id', 'options'],
      ['q1', encodeList(awkward)],
    ]);
    const [, row] = parse(csv) as string[][];
    expect(decodeList(row?.[1] ?? '')).toEqual(awkward);
  });

  it('writes an empty list as [] and reads a blank cell as empty', () => {
    expect(encodeList([])).toBe('[]');
    expect(decodeList('')).toEqual([]);
  });

  it('refuses a cell that is not a list of strings', () => {
    expect(() => decodeList('{"a":1}')).toThrow(TypeError);
    expect(() => decodeList('[1,2]')).toThrow(TypeError);
  });
});
