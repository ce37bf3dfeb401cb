import type { CourseOutline } from './course-structure.ts';
import type { AttemptRecord, EnrolmentRecord } from './records.ts';

/**
 * Progress and score rules of the Sunbird course progress exhaust (see DESIGN §8):
 * - progress is completed leaves ÷ leaves × 100, rounded, capped at 100, and 100 once the
 *   enrolment is completed (a course completion does not force a module's progress);
 * - the best attempt per assessment is the highest score (the earliest of equal scores);
 * - scores are written as percentages rounded up; the total is Σ best ÷ Σ max over the
 *   assessments the learner attempted, blank when nothing was attempted.
 */

/** A learner's figures, in the outline's order. */
export interface LearnerScores {
  progress: number;
  /** One per `outline.modules`. */
  moduleProgress: number[];
  /** One per `outline.assessments`: the best score as a percentage, '' when not attempted. */
  assessmentScores: string[];
  totalScore: string;
}

/** '0%' … '100%', made once: score cells are written for every learner and assessment. */
const PERCENT_LABELS = Array.from({ length: 101 }, (_, p) => `${p}%`);

export function percentCell(score: number, max: number): string {
  if (max <= 0) return '';
  // Round away floating-point noise before rounding up: 0.55 of 1 is 55%, not 56%.
  const percent = Math.ceil(Math.round(((score * 100) / max) * 1e6) / 1e6);
  return PERCENT_LABELS[percent] ?? `${percent}%`;
}

function roundedShare(done: number, of: number): number {
  return of === 0 ? 0 : Math.min(100, Math.round((done * 100) / of));
}

export function certificateStatus(enrolment: EnrolmentRecord): 'Issued' | '' {
  return enrolment.certificates.length > 0 ? 'Issued' : '';
}

/**
 * Compiles the rules for one course outline. This runs once per learner of every batch, so the
 * outline is turned into slots up front: each completed id is looked up once (instead of once per
 * module it sits in), and best attempts are kept in arrays rather than a Map per learner.
 */
export function learnerScorer(
  outline: CourseOutline,
): (enrolment: EnrolmentRecord, attempts: readonly AttemptRecord[]) => LearnerScores {
  const leafSlots = new Map<string, number>();
  const slotOf = (id: string) => {
    let slot = leafSlots.get(id);
    if (slot === undefined) {
      slot = leafSlots.size;
      leafSlots.set(id, slot);
    }
    return slot;
  };
  const countsForCourse: boolean[] = [];
  const modulesOfSlot: number[][] = [];
  for (const id of outline.leafIds) countsForCourse[slotOf(id)] = true;
  outline.modules.forEach(({ leafIds }, m) => {
    for (const id of leafIds) {
      const slot = slotOf(id);
      if (modulesOfSlot[slot] === undefined) modulesOfSlot[slot] = [];
      modulesOfSlot[slot].push(m);
    }
  });
  const moduleSizes = outline.modules.map(({ leafIds }) => leafIds.size);
  const courseSize = outline.leafIds.size;
  // A completed id listed twice counts once: a slot is marked with the call it was last seen in.
  const seenIn = new Int32Array(leafSlots.size);
  let call = 0;

  const assessmentSlots = new Map<string, number>();
  const columnSlots = outline.assessments.map(({ id }) => {
    if (!assessmentSlots.has(id)) assessmentSlots.set(id, assessmentSlots.size);
    return assessmentSlots.get(id) as number;
  });

  return (enrolment, attempts) => {
    call = call === 0x7fffffff ? 1 : call + 1;
    if (call === 1) seenIn.fill(0);
    let courseDone = 0;
    const moduleDone = new Array<number>(moduleSizes.length).fill(0);
    for (const id of enrolment.completedContentIds) {
      const slot = leafSlots.get(id);
      if (slot === undefined || seenIn[slot] === call) continue;
      seenIn[slot] = call;
      if (countsForCourse[slot] === true) courseDone += 1;
      for (const m of modulesOfSlot[slot] ?? []) moduleDone[m] = (moduleDone[m] as number) + 1;
    }

    const best: (AttemptRecord | undefined)[] = new Array(assessmentSlots.size);
    for (const attempt of attempts) {
      const slot = assessmentSlots.get(attempt.assessmentId);
      if (slot === undefined) continue;
      const current = best[slot];
      if (
        current === undefined ||
        attempt.score > current.score ||
        (attempt.score === current.score && attempt.attemptedAt < current.attemptedAt)
      ) {
        best[slot] = attempt;
      }
    }
    let scored = 0;
    let max = 0;
    const assessmentScores = outline.assessments.map(({ maxScore }, k) => {
      const attempt = best[columnSlots[k] as number];
      if (attempt === undefined) return '';
      const score = Math.min(attempt.score, maxScore);
      scored += score;
      max += maxScore;
      return percentCell(score, maxScore);
    });

    return {
      progress: enrolment.completedAt ? 100 : roundedShare(courseDone, courseSize),
      moduleProgress: moduleDone.map((done, m) => roundedShare(done, moduleSizes[m] as number)),
      assessmentScores,
      totalScore: max > 0 ? percentCell(scored, max) : '',
    };
  };
}
