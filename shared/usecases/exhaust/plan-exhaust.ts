import { outlineCourse } from '../../domain/course-structure.ts';
import { ExhaustFailedError, InvalidTransitionError } from '../../domain/errors.ts';
import type { Clock, RecordsRepository, RequestsRepository } from '../../domain/ports.ts';
import { isActive } from '../../domain/report-request.ts';
import { LEARNER_BUCKETS, planShards } from '../../domain/shards.ts';
import { ZIPCRYPTO_MAX_CSV_BYTES } from '../../domain/zip-encryption.ts';
import { reportDefinition } from '../../reports/catalogue.ts';
import type { PlanInput, PlannedBatch, PlanOutput } from './step-contracts.ts';

export interface PlanDeps {
  requests: RequestsRepository;
  records: RecordsRepository;
  clock: Clock;
  /** Most learners one shard handles; set from measured speed to stay well inside the Lambda limit. */
  learnersPerShard: number;
}

/** Workflow step Plan: marks the request PROCESSING and lists its batches (and shards) for the Map. */
export async function planExhaust({ requestId }: PlanInput, deps: PlanDeps): Promise<PlanOutput> {
  const request = await deps.requests.get(requestId);
  if (!request) throw new ExhaustFailedError(`Report request ${requestId} not found`);
  if (!isActive(request.status)) throw new InvalidTransitionError(`Report request ${requestId} has already ended`);
  const course = await deps.records.getCourse(request.courseId);
  const definition = reportDefinition(request.type);
  const bytesPerLearner = course ? definition.csvBytesPerLearner(outlineCourse(course)) : 0;
  const processing = await deps.requests.markProcessing(requestId, deps.clock.now());
  const batches = await Promise.all(
    processing.batchIds.map(async (batchId): Promise<PlannedBatch> => {
      // One bucket of sixteen, counted server-side, is a good enough estimate to size the shards.
      const estimate = (await deps.records.countEnrolments(processing.courseId, batchId, [0])) * LEARNER_BUCKETS;
      // ZipCrypto cannot go past 4 GiB (see README): refuse now rather than after writing the file.
      if (
        processing.sealedPassword &&
        processing.encryption === 'zipcrypto' &&
        estimate * bytesPerLearner > ZIPCRYPTO_MAX_CSV_BYTES
      ) {
        throw new ExhaustFailedError(
          `Batch ${batchId} is too large for ZipCrypto (about ${estimate.toLocaleString('en')} learners, over 4 GiB of CSV); ask for AES-256 encryption instead`,
        );
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
