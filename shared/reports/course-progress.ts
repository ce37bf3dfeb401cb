import { distinctLabels } from '../domain/course-structure.ts';
import { certificateStatus, learnerScorer } from '../domain/scoring.ts';
import { type Cell, isCreator, isMentor, type ReportDefinition } from './report-definition.ts';

const FIXED_COLUMNS = [
  'Collection Id',
  'Collection Name',
  'Batch Id',
  'Batch Name',
  'User UUID',
  'State',
  'District',
  'Org Name',
  'School Id',
  'School Name',
  'Block Name',
  'Cluster Name',
  'User Type',
  'User Sub Type',
  'Declared Board',
  'Enrolment Date',
  'Completion Date',
  'Certificate Status',
  'Progress',
  'Total Score',
] as const;

/** Course progress exhaust: one row per enrolled learner, with per-module and per-assessment columns. */
export const courseProgressReport: ReportDefinition = {
  type: 'course-progress',
  passwordRequired: false,
  needsProfiles: true,
  idColumns: new Set(['Collection Id', 'Batch Id', 'User UUID', 'School Id']),

  mayRequest: (actor, context) => isCreator(actor, context) || isMentor(actor, context),

  columns(outline) {
    const moduleLabels = distinctLabels(outline.modules.map((m) => m.module));
    const assessmentLabels = distinctLabels(outline.assessments);
    return [
      ...FIXED_COLUMNS,
      ...outline.modules.map((m) => `${moduleLabels.get(m.module.id)} - Progress`),
      ...outline.assessments.map((a) => `${assessmentLabels.get(a.id)} - Score`),
    ];
  },

  rowBuilder({ outline, batch }) {
    const score = learnerScorer(outline);
    const { courseId, name: courseName } = outline.course;
    const { batchId, name: batchName } = batch;
    return ({ enrolment, attempts, profile }) => {
      const scores = score(enrolment, attempts);
      const row: Cell[] = [
        courseId,
        courseName,
        batchId,
        batchName,
        enrolment.userId,
        profile?.state ?? '',
        profile?.district ?? '',
        profile?.orgName ?? '',
        profile?.schoolId ?? '',
        profile?.schoolName ?? '',
        profile?.block ?? '',
        profile?.cluster ?? '',
        profile?.userType ?? '',
        profile?.userSubType ?? '',
        profile?.board ?? '',
        enrolment.enrolledAt,
        enrolment.completedAt ?? '',
        certificateStatus(enrolment),
        scores.progress,
        scores.totalScore,
      ];
      for (const progress of scores.moduleProgress) row.push(progress);
      for (const cell of scores.assessmentScores) row.push(cell);
      return [row];
    };
  },
};
