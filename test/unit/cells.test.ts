import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { excelSafeId, neutraliseFormula, readId } from '#shared/report-files/cells';
import { decodeList, encodeList } from '#shared/reports/list-encoding';

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
