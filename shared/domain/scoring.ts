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
 * The rules compiled for one course outline. This runs once per learner of every batch, so the
 * outline is turned into slots up front: each completed id is looked up once (instead of once per
 * module it sits in), and best attempts are kept in an array rather than a Map per learner.
 */
class OutlineScorer {
  private readonly leafSlots = new Map<string, number>();
  private readonly countsForCourse: boolean[] = [];
  /** Per leaf slot, the modules (by index) whose progress it counts towards. */
  private readonly modulesOfSlot: number[][] = [];
  private readonly moduleSizes: number[];
  private readonly courseSize: number;
  /** A completed id listed twice counts once: a slot is marked with the call it was last seen in. */
  private readonly seenIn: Int32Array;
  private call = 0;
  private readonly assessmentSlots = new Map<string, number>();
  /** Per assessment column, its slot: two nodes with one id share their best attempt. */
  private readonly columnSlots: number[];
  private readonly maxScores: number[];

  constructor(outline: CourseOutline) {
    for (const id of outline.leafIds) this.countsForCourse[this.leafSlot(id)] = true;
    outline.modules.forEach(({ leafIds }, m) => {
      for (const id of leafIds) (this.modulesOfSlot[this.leafSlot(id)] as number[]).push(m);
    });
    this.moduleSizes = outline.modules.map(({ leafIds }) => leafIds.size);
    this.courseSize = outline.leafIds.size;
    this.seenIn = new Int32Array(this.leafSlots.size);
    this.columnSlots = outline.assessments.map(({ id }) => {
      if (!this.assessmentSlots.has(id)) this.assessmentSlots.set(id, this.assessmentSlots.size);
      return this.assessmentSlots.get(id) as number;
    });
    this.maxScores = outline.assessments.map(({ maxScore }) => maxScore);
  }

  private leafSlot(id: string): number {
    let slot = this.leafSlots.get(id);
    if (slot === undefined) {
      slot = this.leafSlots.size;
      this.leafSlots.set(id, slot);
      this.countsForCourse[slot] = false;
      this.modulesOfSlot[slot] = [];
    }
    return slot;
  }

  score(enrolment: EnrolmentRecord, attempts: readonly AttemptRecord[]): LearnerScores {
    this.call = this.call === 0x7fffffff ? 1 : this.call + 1;
    if (this.call === 1) this.seenIn.fill(0);
    const moduleProgress = new Array<number>(this.moduleSizes.length).fill(0);
    let courseDone = 0;
    const completed = enrolment.completedContentIds;
    for (let i = 0; i < completed.length; i += 1) {
      const slot = this.leafSlots.get(completed[i] as string);
      if (slot === undefined || this.seenIn[slot] === this.call) continue;
      this.seenIn[slot] = this.call;
      if (this.countsForCourse[slot]) courseDone += 1;
      const modules = this.modulesOfSlot[slot] as number[];
      for (let k = 0; k < modules.length; k += 1) {
        const m = modules[k] as number;
        moduleProgress[m] = (moduleProgress[m] as number) + 1;
      }
    }
    for (let m = 0; m < moduleProgress.length; m += 1) {
      moduleProgress[m] = roundedShare(moduleProgress[m] as number, this.moduleSizes[m] as number);
    }

    const best: (AttemptRecord | undefined)[] = new Array(this.assessmentSlots.size);
    for (let i = 0; i < attempts.length; i += 1) {
      const attempt = attempts[i] as AttemptRecord;
      const slot = this.assessmentSlots.get(attempt.assessmentId);
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
    const assessmentScores = new Array<string>(this.columnSlots.length);
    for (let k = 0; k < this.columnSlots.length; k += 1) {
      const attempt = best[this.columnSlots[k] as number];
      if (attempt === undefined) {
        assessmentScores[k] = '';
        continue;
      }
      const maxScore = this.maxScores[k] as number;
      const score = Math.min(attempt.score, maxScore);
      scored += score;
      max += maxScore;
      assessmentScores[k] = percentCell(score, maxScore);
    }

    return {
      progress: enrolment.completedAt ? 100 : roundedShare(courseDone, this.courseSize),
      moduleProgress,
      assessmentScores,
      totalScore: max > 0 ? percentCell(scored, max) : '',
    };
  }
}

/** The scoring rules compiled for one course outline (see OutlineScorer). */
export function learnerScorer(
  outline: CourseOutline,
): (enrolment: EnrolmentRecord, attempts: readonly AttemptRecord[]) => LearnerScores {
  const scorer = new OutlineScorer(outline);
  return (enrolment, attempts) => scorer.score(enrolment, attempts);
}
