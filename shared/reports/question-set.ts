import type { AssessmentNode, AttemptRecord, Question, QuestionResponse } from '../domain/records.ts';
import { type Column, fileLayout } from './columns.ts';
import { encodeList } from './list-encoding.ts';
import { commonColumns, isCreator, isMentor, type LearnerRow, type ReportDefinition } from './report-definition.ts';

const QUESTION_TYPE_LABELS: Record<Question['type'], string> = {
  mcq: 'Multiple Choice',
  mtf: 'Match The Following',
  ftb: 'Fill In The Blanks',
};

/** One row per question answered in an attempt. */
interface ResponseRow extends LearnerRow {
  attempt: AttemptRecord;
  questionSet: AssessmentNode | undefined;
  response: QuestionResponse;
  question: Question | undefined;
}

const columns = (context: Parameters<typeof commonColumns>[0]): Column<ResponseRow>[] => [
  ...commonColumns(context),
  { header: 'QuestionSet Id', id: true, cell: (row) => row.attempt.assessmentId },
  { header: 'QuestionSet Title', cell: (row) => row.questionSet?.name ?? '' },
  { header: 'Attempt ID', id: true, cell: (row) => row.attempt.attemptId },
  { header: 'Attempted On', cell: (row) => row.attempt.attemptedAt },
  { header: 'Question ID', id: true, cell: (row) => row.response.questionId },
  { header: 'Question Type', cell: (row) => (row.question ? QUESTION_TYPE_LABELS[row.question.type] : '') },
  { header: 'Question Title', cell: (row) => row.question?.title ?? '' },
  { header: 'Question Description', cell: (row) => row.question?.description ?? '' },
  { header: 'Question Duration (seconds)', cell: (row) => row.response.durationSeconds ?? '' },
  { header: 'Question Score', cell: (row) => row.response.score },
  { header: 'Question Max Score', cell: (row) => row.question?.maxScore ?? '' },
  { header: 'Question Options', cell: (row) => encodeList(row.question?.options ?? []) },
  { header: 'Question Response', cell: (row) => encodeList(row.response.response) },
];

/** Question set responses: one row per question per attempt, every attempt kept with its own id. */
export const questionSetReport: ReportDefinition = {
  type: 'question-set',
  passwordRequired: false,
  needsProfiles: false,

  mayRequest: (actor, context) => isCreator(actor, context) || isMentor(actor, context),

  // A row of ~300 bytes per question answered, assuming two attempts at every question set.
  csvBytesPerLearner: (outline) =>
    600 *
    Math.max(
      1,
      outline.assessments.reduce((n, a) => n + (a.questions?.length ?? 0), 0),
    ),

  layout(context) {
    const { outline } = context;
    const assessments = new Map<string, AssessmentNode>(outline.assessments.map((a) => [a.id, a]));
    const questionsOf = new Map<string, Map<string, Question>>(
      outline.assessments.map((a) => [a.id, new Map((a.questions ?? []).map((q) => [q.id, q]))]),
    );
    const noQuestions = new Map<string, Question>();
    return fileLayout(columns(context), (learner) => {
      const rows: ResponseRow[] = [];
      // Attempts arrive in key order; readers expect them in the order they happened.
      const ordered = [...learner.attempts].sort(
        (a, b) => a.attemptedAt.localeCompare(b.attemptedAt) || a.attemptId.localeCompare(b.attemptId),
      );
      for (const attempt of ordered) {
        const questionSet = assessments.get(attempt.assessmentId);
        const questions = questionsOf.get(attempt.assessmentId) ?? noQuestions;
        for (const response of attempt.responses) {
          rows.push({ learner, attempt, questionSet, response, question: questions.get(response.questionId) });
        }
      }
      return rows;
    });
  },
};
