import type { CourseOutline } from '../domain/course-structure.ts';
import type { BatchRecord, LearnerBundle } from '../domain/records.ts';

export const ReportTypes = ['course-progress', 'user-profile', 'question-set'] as const;
export type ReportType = (typeof ReportTypes)[number];

import type { Cell } from '../domain/cell.ts';

export type { Cell };

export type RowBuilder = (learner: LearnerBundle) => Cell[][];

/** Who is asking, as the API's JWT says. */
export interface Actor {
  userId: string;
  org: string;
}

export interface BatchContext {
  outline: CourseOutline;
  batch: BatchRecord;
}

/**
 * One report type: its columns, how one learner becomes rows, and who may ask for it.
 * Row builders are pure: the workflow streams learners through them one at a time.
 */
export interface ReportDefinition {
  type: ReportType;
  /** A password is mandatory because the file may carry personal data. */
  passwordRequired: boolean;
  /** Whether rows need the learner's profile (a BatchGet per page of learners). */
  needsProfiles: boolean;
  /** Columns that hold identifiers, kept exact when a spreadsheet opens the file. */
  idColumns: ReadonlySet<string>;
  mayRequest(actor: Actor, context: BatchContext): boolean;
  columns(outline: CourseOutline): string[];
  /**
   * Prepares, once per batch, what every row needs (lookups by id, scoring plans), and returns the
   * function that turns one learner into rows: an array, not a generator, because it runs once per
   * learner of every batch.
   */
  rowBuilder(context: BatchContext): RowBuilder;
}

export function isCreator(actor: Actor, { outline, batch }: BatchContext): boolean {
  return actor.userId === outline.course.creatorId || actor.userId === batch.creatorId;
}

export function isMentor(actor: Actor, { batch }: BatchContext): boolean {
  return batch.mentors.includes(actor.userId);
}

export const COMMON_ID_COLUMNS = ['Collection Id', 'Batch Id', 'User UUID'] as const;

/** The file's header and the positions of its id columns, for the CSV writer. */
export function csvLayout(definition: ReportDefinition, outline: CourseOutline): { header: string[]; idColumns: Set<number> } {
  const header = definition.columns(outline);
  return { header, idColumns: new Set(header.flatMap((name, i) => (definition.idColumns.has(name) ? [i] : []))) };
}
