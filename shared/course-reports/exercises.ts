import type { CourseNode, CourseRecord, ExerciseType } from '../domain/records.ts';

/** One exercise of a course as the course reports see it: a leaf that carries an exercise type. */
export interface CourseExercise {
  id: string;
  title: string;
  type: ExerciseType;
}

const cache = new WeakMap<CourseRecord, CourseExercise[]>();

/**
 * The course's exercises in course order (depth-first, as the author laid them out): every content
 * or assessment leaf with an `exerciseType`, optional ones included. Worked out once per course record.
 */
export function courseExercises(course: CourseRecord): CourseExercise[] {
  let found = cache.get(course);
  if (!found) {
    const exercises: CourseExercise[] = [];
    const walk = (nodes: CourseNode[]) => {
      for (const node of nodes) {
        if (node.type === 'module') walk(node.children);
        else if (node.exerciseType) exercises.push({ id: node.id, title: node.name, type: node.exerciseType });
      }
    };
    walk(course.children);
    found = exercises;
    cache.set(course, found);
  }
  return found;
}
