import { describe, expect, it } from 'vitest';
import { outlineCourse } from '#shared/domain/course-structure';
import { type AttemptRecord, CourseRecordSchema } from '#shared/domain/records';
import { type LearnerScores, learnerScorer, percentCell } from '#shared/domain/scoring';
import { attempt, course, enrolment } from '../support/fixtures.ts';

describe('scoring rules', () => {
  const outline = outlineCourse(course);
  const score = learnerScorer(outline);
  const scoresOf = (completedContentIds: string[], attempts: AttemptRecord[] = []) =>
    score(enrolment({ completedContentIds }), attempts);

  it('counts only non-optional leaves, nested modules included', () => {
    expect([...outline.leafIds].sort()).toEqual(['a1', 'a2', 'c1', 'c2']);
  });

  it('rounds progress, ignores optional and unknown ids, and counts an id listed twice once', () => {
    expect(scoresOf(['c1']).progress).toBe(25);
    expect(scoresOf(['c1', 'a1', 'c3']).progress).toBe(50);
    expect(scoresOf(['c1', 'c1', 'c1', 'not-in-course']).progress).toBe(25);
    expect(scoresOf([]).progress).toBe(0);
    // Two of three leaves: 66.7 rounds to 67.
    const flat = CourseRecordSchema.parse({
      ...course,
      children: ['x', 'y', 'z'].map((id) => ({ type: 'content', id, name: id })),
    });
    const three = learnerScorer(outlineCourse(flat));
    expect(three(enrolment({ completedContentIds: ['x', 'y'] }), []).progress).toBe(67);
  });

  it('forces 100 once the enrolment has a completion date, but not for its modules', () => {
    const completedAt = '2026-02-01T00:00:00.000Z';
    const none = score(enrolment({ completedContentIds: [], completedAt }), []);
    expect(none.progress).toBe(100);
    expect(none.moduleProgress).toEqual([0, 0, 0]);
    const some = score(enrolment({ completedContentIds: ['c1'], completedAt }), []);
    expect(some.progress).toBe(100);
    expect(some.moduleProgress).toEqual([50, 0, 0]);
  });

  it('measures each module, nested ones included, over its own leaves', () => {
    // m1: c1, a1; m2: c2, a2 (c3 optional); m2a: c2.
    expect(scoresOf(['c1', 'c2']).moduleProgress).toEqual([50, 50, 100]);
    expect(scoresOf(['c1', 'a1', 'c2', 'a2']).moduleProgress).toEqual([100, 100, 100]);
  });

  it('keeps the best attempt per assessment: the highest score, capped at the maximum', () => {
    const scores = scoresOf(
      [],
      [
        attempt({ assessmentId: 'a1', score: 3 }),
        attempt({ assessmentId: 'a1', score: 5 }),
        attempt({ assessmentId: 'a2', score: 9 }),
        attempt({ assessmentId: 'not-in-course', score: 1 }),
      ],
    );
    expect(scores.assessmentScores).toEqual(['50%', '100%']);
  });

  it('scores two assessment nodes that share an id from the same best attempt, each against its own maximum', () => {
    const twice = CourseRecordSchema.parse({
      ...course,
      children: [
        { type: 'assessment', id: 'q', name: 'Quiz', maxScore: 10 },
        { type: 'module', id: 'm', name: 'Again', children: [{ type: 'assessment', id: 'q', name: 'Quiz again', maxScore: 20 }] },
      ],
    });
    const scores = learnerScorer(outlineCourse(twice))(enrolment({ completedContentIds: ['q'] }), [
      attempt({ assessmentId: 'q', score: 4 }),
      attempt({ assessmentId: 'q', score: 8 }),
    ]);
    expect(scores.assessmentScores).toEqual(['80%', '40%']);
    // 8/10 and 8/20 make 16/30.
    expect(scores.totalScore).toBe('54%');
    expect(scores.moduleProgress).toEqual([100]);
  });

  it('sums best scores over their max scores: 5/10 and 2/5 make 7/15, written 47%', () => {
    const scores = scoresOf([], [attempt({ assessmentId: 'a1', score: 5 }), attempt({ assessmentId: 'a2', score: 2 })]);
    expect(scores.totalScore).toBe('47%');
  });

  it('leaves scores and the total blank when nothing was attempted, rather than reading as zero', () => {
    const scores: LearnerScores = scoresOf(['c1']);
    expect(scores.assessmentScores).toEqual(['', '']);
    expect(scores.totalScore).toBe('');
  });

  it('gives each learner their own figures when one scorer serves a whole batch', () => {
    expect(scoresOf(['c1', 'a1']).progress).toBe(50);
    // The same ids again for the next learner are not mistaken for repeats.
    expect(scoresOf(['c1', 'a1']).progress).toBe(50);
    expect(scoresOf([], [attempt({ assessmentId: 'a2', score: 1 })]).assessmentScores).toEqual(['', '20%']);
    expect(scoresOf([]).assessmentScores).toEqual(['', '']);
  });

  it('rounds percentages up, as Sunbird does', () => {
    expect(percentCell(1, 3)).toBe('34%');
    expect(percentCell(0, 10)).toBe('0%');
    expect(percentCell(0.55, 1)).toBe('55%');
    expect(percentCell(7, 15)).toBe('47%');
  });
});
