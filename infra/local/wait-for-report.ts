import { isActive, type VisibleStatus } from '#shared/domain/report-request';

/**
 * Reads a report request (`read`: GET /v1/reports/{id}) until it has ended, as a dashboard polls.
 * Shared by the demo, the benchmark and the tests.
 */
export async function waitForReportEnd<View extends { status: VisibleStatus }>(
  read: () => Promise<View>,
  { intervalMs = 100, attempts = 600 }: { intervalMs?: number; attempts?: number } = {},
): Promise<View> {
  for (let i = 0; i < attempts; i += 1) {
    const view = await read();
    if (!isActive(view.status)) return view;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`The report request had not ended after ${attempts} reads`);
}
