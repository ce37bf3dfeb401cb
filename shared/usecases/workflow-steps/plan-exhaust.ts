import { outlineCourse } from '../../domain/course-structure.ts';
import { ExhaustFailedError, InvalidTransitionError } from '../../domain/errors.ts';
import type { ExportRecordsRepository } from '../../domain/learner-ports.ts';
import { EXPORT_PART } from '../../domain/org-exports.ts';
import type { Clock, RecordsRepository, RequestsRepository } from '../../domain/ports.ts';
import { isActive, type ReportRequest } from '../../domain/report-request.ts';
import { isOrgExport } from '../../domain/report-types.ts';
import { LEARNER_BUCKETS, planShards } from '../../domain/shards.ts';
import { ZIPCRYPTO_MAX_CSV_BYTES } from '../../domain/zip-encryption.ts';
import { reportDefinition } from '../../reports/catalogue.ts';
import { loadOrgExport } from './org-export-job.ts';
import type { PlanInput, PlannedBatch, PlanOutput } from './step-contracts.ts';

export interface PlanDeps {
  requests: RequestsRepository;
  records: RecordsRepository;
  clock: Clock;
  /** Most learners one shard handles; set from measured speed to stay well inside the Lambda limit. */
  learnersPerShard: number;
  /** The learner statistics records: read by org exports only. */
  learners?: ExportRecordsRepository | undefined;
}

const TOO_BIG_FOR_ZIPCRYPTO = (what: string, count: number) =>
  `${what} is too large for ZipCrypto (about ${count.toLocaleString('en')} rows, over 4 GiB of CSV); ask for AES-256 encryption instead`;

/** Workflow step Plan: marks the request PROCESSING and lists its batches (and shards) for the Map. */
export async function planExhaust({ requestId }: PlanInput, deps: PlanDeps): Promise<PlanOutput> {
  const request = await deps.requests.get(requestId);
  if (!request) throw new ExhaustFailedError(`Report request ${requestId} not found`);
  if (!isActive(request.status)) throw new InvalidTransitionError(`Report request ${requestId} has already ended`);
  if (isOrgExport(request.type)) return planOrgExport(request, deps);
  const { courseId, type } = request;
  if (courseId === undefined) throw new ExhaustFailedError(`Report request ${requestId} names no course`);
  const course = await deps.records.getCourse(courseId);
  const definition = reportDefinition(type);
  const bytesPerLearner = course ? definition.csvBytesPerLearner(outlineCourse(course)) : 0;
  const processing = await deps.requests.markProcessing(requestId, deps.clock.now());
  const batches = await Promise.all(
    processing.batchIds.map(async (batchId): Promise<PlannedBatch> => {
      // One bucket of sixteen, counted server-side, is a good enough estimate to size the shards.
      const estimate = (await deps.records.countEnrolments(courseId, batchId, [0])) * LEARNER_BUCKETS;
      // ZipCrypto cannot go past 4 GiB (see README): refuse now rather than after writing the file.
      if (
        processing.sealedPassword &&
        processing.encryption === 'zipcrypto' &&
        estimate * bytesPerLearner > ZIPCRYPTO_MAX_CSV_BYTES
      ) {
        throw new ExhaustFailedError(TOO_BIG_FOR_ZIPCRYPTO(`Batch ${batchId}`, estimate));
      }
      const plan = planShards(estimate, deps.learnersPerShard);
      return {
        requestId,
        batchId,
        sharded: plan.length > 1,
        shards: plan.length > 1 ? plan.map((buckets, shard) => ({ requestId, batchId, shard, buckets })) : [],
      };
    }),
  );
  return { requestId, batches };
}

/**
 * An org export is one part: its users, counted exactly (the scope and filters are read now), split
 * into user-bucket shards when there are more than a shard holds, like a huge batch.
 */
async function planOrgExport(request: ReportRequest, deps: PlanDeps): Promise<PlanOutput> {
  const job = await loadOrgExport(request, deps.learners);
  const users = job.targets.length;
  if (
    request.sealedPassword &&
    request.encryption === 'zipcrypto' &&
    users * job.definition.csvBytesPerUser(job.context) > ZIPCRYPTO_MAX_CSV_BYTES
  ) {
    throw new ExhaustFailedError(TOO_BIG_FOR_ZIPCRYPTO('The export', users));
  }
  await deps.requests.markProcessing(request.id, deps.clock.now());
  const plan = planShards(users, deps.learnersPerShard);
  const requestId = request.id;
  return {
    requestId,
    batches: [
      {
        requestId,
        batchId: EXPORT_PART,
        sharded: plan.length > 1,
        shards: plan.length > 1 ? plan.map((buckets, shard) => ({ requestId, batchId: EXPORT_PART, shard, buckets })) : [],
      },
    ],
  };
}
