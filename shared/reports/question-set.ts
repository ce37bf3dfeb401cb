import type { AssessmentNode, Question } from '../domain/records.ts';
import { encodeList } from '../exhaust/list-encoding.ts';
import { type Cell, isCreator, isMentor, type ReportDefinition } from './report-definition.ts';

const QUESTION_TYPE_LABELS: Record<Question['type'], string> = {
  mcq: 'Multiple Choice',
  mtf: 'Match The Following',
  ftb: 'Fill In The Blanks',
};

/** Question set responses: one row per question per attempt, every attempt kept with its own id. */
export const questionSetReport: ReportDefinition = {
  type: 'question-set',
  passwordRequired: false,
  needsProfiles: false,
  idColumns: new Set(['Collection Id', 'Batch Id', 'User UUID', 'QuestionSet Id', 'Attempt ID', 'Question ID']),

  mayRequest: (actor, context) => isCreator(actor, context) || isMentor(actor, context),

  columns: () => [
    'Collection Id',
    'Collection Name',
    'Batch Id',
    'Batch Name',
    'User UUID',
    'QuestionSet Id',
    'QuestionSet Title',
    'Attempt ID',
    'Attempted On',
    'Question ID',
    'Question Type',
    'Question Title',
    'Question Description',
    'Question Duration (seconds)',
    'Question Score',
    'Question Max Score',
    'Question Options',
    'Question Response',
  ],

  rowBuilder({ outline, batch }) {
    const assessments = new Map<string, AssessmentNode>(outline.assessments.map((a) => [a.id, a]));
    const questionsOf = new Map<string, Map<string, Question>>(
      outline.assessments.map((a) => [a.id, new Map((a.questions ?? []).map((q) => [q.id, q]))]),
    );
    const noQuestions = new Map<string, Question>();
    return ({ enrolment, attempts }) => {
      const rows: Cell[][] = [];
      // Attempts arrive in key order; readers expect them in the order they happened.
      const ordered = [...attempts].sort(
        (a, b) => a.attemptedAt.localeCompare(b.attemptedAt) || a.attemptId.localeCompare(b.attemptId),
      );
      for (const attempt of ordered) {
        const questionSet = assessments.get(attempt.assessmentId);
        const questions = questionsOf.get(attempt.assessmentId) ?? noQuestions;
        for (const response of attempt.responses) {
          const question = questions.get(response.questionId);
          rows.push([
            outline.course.courseId,
            outline.course.name,
            batch.batchId,
            batch.name,
            enrolment.userId,
            attempt.assessmentId,
            questionSet?.name ?? '',
            attempt.attemptId,
            attempt.attemptedAt,
            response.questionId,
            question ? QUESTION_TYPE_LABELS[question.type] : '',
            question?.title ?? '',
            question?.description ?? '',
            response.durationSeconds ?? '',
            response.score,
            question?.maxScore ?? '',
            encodeList(question?.options ?? []),
            encodeList(response.response),
          ]);
        }
      }
      return rows;
    };
  },
};
