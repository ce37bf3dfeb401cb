import type { AssessmentNode, AttemptRecord, EnrolmentRecord } from './records.ts';

/**
 * Progress and score rules of the Sunbird course progress exhaust (see DESIGN §8).
 */

/** Completed leaves ÷ leaves × 100, rounded, capped at 100; 100 once the enrolment is completed. */
export function progressPercent(leafIds: ReadonlySet<string>, completed: ReadonlySet<string>, completedAt?: string): number {
  if (completedAt) return 100;
  if (leafIds.size === 0) return 0;
  let done = 0;
  for (const id of leafIds) if (completed.has(id)) done += 1;
  return Math.min(100, Math.round((done * 100) / leafIds.size));
}

/** Progress of one module, which a course completion does not force to 100. */
export function moduleProgressPercent(leafIds: ReadonlySet<string>, completed: ReadonlySet<string>): number {
  return progressPercent(leafIds, completed);
}

/** The best attempt per assessment: the highest score, the earliest of equal scores. */
export function bestAttempts(attempts: AttemptRecord[]): Map<string, AttemptRecord> {
  const best = new Map<string, AttemptRecord>();
  for (const attempt of attempts) {
    const current = best.get(attempt.assessmentId);
    if (
      !current ||
      attempt.score > current.score ||
      (attempt.score === current.score && attempt.attemptedAt < current.attemptedAt)
    ) {
      best.set(attempt.assessmentId, attempt);
    }
  }
  return best;
}

/** '0%' … '100%', made once: score cells are written for every learner and assessment. */
const PERCENT_LABELS = Array.from({ length: 101 }, (_, p) => `${p}%`);

export function percentCell(score: number, max: number): string {
  if (max <= 0) return '';
  // Round away floating-point noise before rounding up: 0.55 of 1 is 55%, not 56%.
  const percent = Math.ceil(Math.round(((score * 100) / max) * 1e6) / 1e6);
  return PERCENT_LABELS[percent] ?? `${percent}%`;
}

/**
 * Σ best scores over Σ max scores of the assessments the learner attempted (5/10 and 2/5 → 47%).
 * Blank when nothing was attempted, so "no attempt" never reads as "scored zero".
 */
export function totalScoreCell(assessments: AssessmentNode[], best: Map<string, AttemptRecord>): string {
  let scored = 0;
  let max = 0;
  for (const assessment of assessments) {
    const attempt = best.get(assessment.id);
    if (!attempt) continue;
    scored += Math.min(attempt.score, assessment.maxScore);
    max += assessment.maxScore;
  }
  return max > 0 ? percentCell(scored, max) : '';
}

export function certificateStatus(enrolment: EnrolmentRecord): 'Issued' | '' {
  return enrolment.certificates.length > 0 ? 'Issued' : '';
}
