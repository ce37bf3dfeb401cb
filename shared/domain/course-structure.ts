import type { AssessmentNode, CourseNode, CourseRecord, ModuleNode } from './records.ts';

/**
 * Read-only views of a course tree in course-structure (depth-first) order. Reports derive their
 * dynamic columns from these, so column order follows the course as its author laid it out.
 */

export interface TrackedModule {
  module: ModuleNode;
  /** Ids of the non-optional leaves under this module: what its progress is measured over. */
  leafIds: ReadonlySet<string>;
}

export interface CourseOutline {
  course: CourseRecord;
  /** Non-optional leaves (contents and assessments) of the whole course. */
  leafIds: ReadonlySet<string>;
  /** Every module at any depth, depth-first. */
  modules: TrackedModule[];
  /** Every assessment at any depth, depth-first, optional ones included (they are still scored). */
  assessments: AssessmentNode[];
}

export function outlineCourse(course: CourseRecord): CourseOutline {
  const modules: TrackedModule[] = [];
  const assessments: AssessmentNode[] = [];

  const walk = (nodes: CourseNode[], insideOptional: boolean): Set<string> => {
    const leaves = new Set<string>();
    for (const node of nodes) {
      const optional = insideOptional || node.optional === true;
      if (node.type === 'module') {
        const tracked: TrackedModule = { module: node, leafIds: new Set() };
        modules.push(tracked);
        const below = walk(node.children, optional);
        tracked.leafIds = below;
        for (const id of below) leaves.add(id);
      } else {
        if (node.type === 'assessment') assessments.push(node);
        if (!optional) leaves.add(node.id);
      }
    }
    return leaves;
  };

  const leafIds = walk(course.children, false);
  return { course, leafIds, modules, assessments };
}

/** Column headers must tell modules apart even when two share a name. */
export function distinctLabels<T extends { id: string; name: string }>(nodes: T[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const node of nodes) counts.set(node.name, (counts.get(node.name) ?? 0) + 1);
  const labels = new Map<string, string>();
  for (const node of nodes) {
    const shared = (counts.get(node.name) ?? 0) > 1;
    labels.set(node.id, shared ? `${node.name} [${node.id}]` : node.name);
  }
  return labels;
}
