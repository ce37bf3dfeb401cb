import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO, demoRecords } from '../../infra/local/demo-data.ts';
import { expectedCourseProgress } from '../support/expected.ts';
import { download, openZip, readCsv, type Service, startService } from '../support/local-service.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
});

let service: Service;
beforeAll(async () => {
  // A tiny shard size, so the demo's live batch (~280 learners) takes the huge-batch path.
  service = await startService(320, { LEARNERS_PER_SHARD: '60' });
});
afterAll(async () => service?.stop());

describe('e2e: a huge batch through the sharded path of the same state machine', () => {
  it('writes shards in parallel, assembles one file with one header, and matches the seeded records', async () => {
    const submitted = await service.call<{ request: { id: string } }>('POST', '/v1/reports', service.tokens.creator, {
      type: 'course-progress',
      courseId: DEMO.courseId,
      batchIds: [DEMO.batches.live, DEMO.batches.empty],
      password: 'Sharded2026',
    });
    expect(submitted.status).toBe(202);
    const ended = await service.waitForEnd(submitted.body.request.id, service.tokens.creator);
    expect(ended.status).toBe('SUCCESS');

    expect(service.stack.taskInvocations.get('WriteShard')).toBeGreaterThanOrEqual(3);
    expect(service.stack.taskInvocations.get('AssembleBatch')).toBe(1);
    expect(service.stack.taskInvocations.get('AssembleBatchWhole')).toBe(1);

    const live = ended.batches.find((b) => b.batchId === DEMO.batches.live);
    const { bytes } = await download(live?.file?.url ?? '');
    const { header, rows } = readCsv((await openZip(bytes, 'Sharded2026')).text);
    expect(header[0]).toBe('Collection Id');
    expect(rows).toEqual(expectedCourseProgress(demoRecords(), DEMO.courseId, DEMO.batches.live));
    expect(live?.file?.rows).toBe(rows.length);
  });
});
