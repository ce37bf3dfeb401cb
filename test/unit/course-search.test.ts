import { describe, expect, it } from 'vitest';
import { byRankThenName, matchRank, normaliseName } from '#shared/domain/course-search';
import { liveOrExpired } from '#shared/usecases/browse-courses';

const course = (courseId: string, name: string) => ({ courseId, name });

describe('domain: course name search', () => {
  it('normalises with NFKC and lower case, so composed and decomposed Devanagari and full-width Latin compare equal', () => {
    // क़ (U+0958) is NFKC-equal to क + nukta (U+0915 U+093C).
    expect(normaliseName('\u0958')).toBe(normaliseName('\u0915\u093C'));
    expect(normaliseName('ＭＡＴＨＳ  Class')).toBe('maths class');
  });

  it('ranks the exact do id, then the whole name, a name prefix, a word prefix, then a substring', () => {
    const query = 'गणित';
    expect(matchRank('do_hindi_maths', course('do_hindi_maths', 'x'))).toBe(0);
    expect(matchRank(query, course('a', 'गणित'))).toBe(1);
    expect(matchRank(query, course('b', 'गणित की नींव'))).toBe(2);
    expect(matchRank(query, course('c', 'कक्षा 5: गणित'))).toBe(3);
    expect(matchRank('नींव', course('d', 'गणितकीनींव'))).toBe(4);
    expect(matchRank('science', course('e', 'गणित की नींव'))).toBeUndefined();
    expect(matchRank('ASSESS', course('f', 'Foundations of Classroom Assessment'))).toBe(3);
  });

  it('sorts best matches first and equal ranks by name', () => {
    const hits = [
      { courseId: '1', name: 'Zeta assessment', rank: 3 },
      { courseId: '2', name: 'Assessment basics', rank: 2 },
      { courseId: '3', name: 'Alpha assessment', rank: 3 },
    ].sort(byRankThenName);
    expect(hits.map((h) => h.courseId)).toEqual(['2', '3', '1']);
  });

  it('reads a batch as Live until its end date has passed', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(liveOrExpired({ endDate: '2026-05-31T23:59:59.000Z' }, now)).toBe('Expired');
    expect(liveOrExpired({ endDate: '2026-06-02T00:00:00.000Z' }, now)).toBe('Live');
    expect(liveOrExpired({ endDate: undefined }, now)).toBe('Live');
  });
});
