import { describe, expect, it } from 'vitest';
import { outlineCourse } from '#shared/domain/course-structure';
import { bestAttempts, percentCell, progressPercent, totalScoreCell } from '#shared/domain/scoring';
import { attempt, course } from '../support/fixtures.ts';

describe('scoring rules', () => {
  const outline = outlineCourse(course);

  it('counts only non-optional leaves, nested modules included', () => {
    expect([...outline.leafIds].sort()).toEqual(['a1', 'a2', 'c1', 'c2']);
  });

  it('rounds progress and forces 100 once the enrolment has a completion date', () => {
    expect(progressPercent(outline.leafIds, new Set(['c1']))).toBe(25);
    expect(progressPercent(outline.leafIds, new Set(['c1', 'a1', 'c3']))).toBe(50);
    expect(progressPercent(new Set(['a', 'b', 'c']), new Set(['a']))).toBe(33);
    expect(progressPercent(outline.leafIds, new Set(), '2026-02-01T00:00:00.000Z')).toBe(100);
    expect(progressPercent(new Set(), new Set())).toBe(0);
  });

  it('takes the highest score per assessment as the best attempt', () => {
    const best = bestAttempts([
      attempt({ assessmentId: 'a1', score: 3 }),
      attempt({ assessmentId: 'a1', score: 5 }),
      attempt({ assessmentId: 'a2', score: 2 }),
    ]);
    expect(best.get('a1')?.score).toBe(5);
    expect(best.get('a2')?.score).toBe(2);
  });

  it('sums best scores over their max scores: 5/10 and 2/5 make 7/15, written 47%', () => {
    const best = bestAttempts([attempt({ assessmentId: 'a1', score: 5 }), attempt({ assessmentId: 'a2', score: 2 })]);
    expect(totalScoreCell(outline.assessments, best)).toBe('47%');
  });

  it('leaves the total blank when nothing was attempted, rather than reading as zero', () => {
    expect(totalScoreCell(outline.assessments, new Map())).toBe('');
  });

  it('rounds percentages up, as Sunbird does', () => {
    expect(percentCell(1, 3)).toBe('34%');
    expect(percentCell(0, 10)).toBe('0%');
    expect(percentCell(0.55, 1)).toBe('55%');
    expect(percentCell(7, 15)).toBe('47%');
  });
});
