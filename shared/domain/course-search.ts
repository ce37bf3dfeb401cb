/**
 * Course name search that works for any script: names and queries are compared after Unicode
 * NFKC normalisation (so a Devanagari name typed with composed or decomposed marks, or a
 * full-width Latin name, compares equal) and locale-independent lower-casing.
 */
export function normaliseName(text: string): string {
  // 'und' (the root locale) lower-cases the same way on every machine, whatever its default locale.
  return text.normalize('NFKC').toLocaleLowerCase('und').replace(/\s+/gu, ' ').trim();
}

/** How well a course matches a query: lower is better; undefined when it does not match. */
export type MatchRank = 0 | 1 | 2 | 3 | 4 | 5;

const WORD_SEPARATOR = /[\s\p{P}]+/u;

/**
 * Ranks a course for a query typed into the dashboard's search box: the exact do id, then the whole
 * name, then a name that starts with the query, then a word of the name that does, then the query
 * anywhere in the name. An empty query matches every course equally.
 */
export function matchRank(query: string, course: { courseId: string; name: string }): MatchRank | undefined {
  const wanted = normaliseName(query);
  if (wanted === '') return 5;
  if (course.courseId.toLocaleLowerCase('und') === wanted) return 0;
  const name = normaliseName(course.name);
  if (name === wanted) return 1;
  if (name.startsWith(wanted)) return 2;
  if (name.split(WORD_SEPARATOR).some((word) => word.startsWith(wanted))) return 3;
  if (name.includes(wanted)) return 4;
  return undefined;
}

/** Best matches first; equal ranks by name, then id, so the order is stable. */
export function byRankThenName<T extends { rank: number; name: string; courseId: string }>(a: T, b: T): number {
  return a.rank - b.rank || normaliseName(a.name).localeCompare(normaliseName(b.name)) || a.courseId.localeCompare(b.courseId);
}
