import { z } from 'zod';

/** What every per-batch step receives from the Map: ids only. */
export const BatchTaskInput = z.object({
  requestId: z.string().min(1),
  batchId: z.string().min(1),
});

/** A Catch's `Error` and `Cause`, as Step Functions hands them to Finalize and MarkFailed. */
export const StepFailureInput = z.object({ Error: z.string().optional(), Cause: z.string().optional() });
