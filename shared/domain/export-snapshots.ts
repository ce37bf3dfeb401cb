import type { LearnerRecordsRepository, LearnerWrite } from './learner-ports.ts';

/**
 * Org exports read each user's records from a per-user snapshot kept at ingestion (see
 * shared/adapters/dynamo-export-snapshots.ts), so ingestion must refresh it after every learner
 * write. The ingestion use case asks for this port beside the repository: a writer without it
 * does not type-check, so no path can write records and leave a snapshot stale.
 */
export interface ExportSnapshotRefresher {
  /** Recomputes the export snapshot of every user whose records `write` (already stored) changed. */
  refreshExportSnapshots(write: LearnerWrite): Promise<void>;
}

/** What ingestion writes learner records through. */
export type LearnerIngestionRepository = LearnerRecordsRepository & ExportSnapshotRefresher;
