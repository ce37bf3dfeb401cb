import { distinctLabels } from '../domain/course-structure.ts';
import { certificateStatus, type LearnerScores, learnerScorer } from '../domain/scoring.ts';
import type { Column } from './columns.ts';
import { fileLayout } from './columns.ts';
import {
  commonColumns,
  isCreator,
  isMentor,
  type LearnerRow,
  profileColumn,
  type ReportDefinition,
} from './report-definition.ts';

/** A learner's row: the learner, and their progress and scores worked out once for all columns. */
interface ProgressRow extends LearnerRow {
  scores: LearnerScores;
}

/** Course progress exhaust: one row per enrolled learner, with per-module and per-assessment columns. */
export const courseProgressReport: ReportDefinition = {
  type: 'course-progress',
  passwordRequired: false,
  needsProfiles: true,

  mayRequest: (actor, context) => isCreator(actor, context) || isMentor(actor, context),

  // ~255 bytes of fixed columns, a few per module and assessment (measured by the benchmark: 315).
  csvBytesPerLearner: (outline) => 260 + 6 * (outline.modules.length + outline.assessments.length),

  layout(context) {
    const { outline } = context;
    const moduleLabels = distinctLabels(outline.modules.map((m) => m.module));
    const assessmentLabels = distinctLabels(outline.assessments);
    const columns: Column<ProgressRow>[] = [
      ...commonColumns(context),
      profileColumn('State', 'state'),
      profileColumn('District', 'district'),
      profileColumn('Org Name', 'orgName'),
      profileColumn('School Id', 'schoolId', { id: true }),
      profileColumn('School Name', 'schoolName'),
      profileColumn('Block Name', 'block'),
      profileColumn('Cluster Name', 'cluster'),
      profileColumn('User Type', 'userType'),
      profileColumn('User Sub Type', 'userSubType'),
      profileColumn('Declared Board', 'board'),
      { header: 'Enrolment Date', cell: (row) => row.learner.enrolment.enrolledAt },
      { header: 'Completion Date', cell: (row) => row.learner.enrolment.completedAt ?? '' },
      { header: 'Certificate Status', cell: (row) => certificateStatus(row.learner.enrolment) },
      { header: 'Progress', cell: (row) => row.scores.progress },
      { header: 'Total Score', cell: (row) => row.scores.totalScore },
      // Dynamic columns, in course order: the scorer lists modules and assessments in that order too.
      ...outline.modules.map(
        (m, i): Column<ProgressRow> => ({
          header: `${moduleLabels.get(m.module.id)} - Progress`,
          cell: (row) => row.scores.moduleProgress[i] as number,
        }),
      ),
      ...outline.assessments.map(
        (a, i): Column<ProgressRow> => ({
          header: `${assessmentLabels.get(a.id)} - Score`,
          cell: (row) => row.scores.assessmentScores[i] as string,
        }),
      ),
    ];
    const score = learnerScorer(outline);
    return fileLayout(columns, (learner) => [{ learner, scores: score(learner.enrolment, learner.attempts) }]);
  },
};
