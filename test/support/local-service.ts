import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DynamoRecordsRepository } from '#shared/adapters/dynamo-records-repository';
import type { VisibleStatus } from '#shared/domain/report-request';
import { DEMO } from '../../infra/local/demo-data.ts';
import { issueLocalToken } from '../../infra/local/dev-auth.ts';
import { ACADEMY, seedLearnerDemo } from '../../infra/local/learner-demo-data.ts';
import { type LocalStack, startLocalStack } from '../../infra/local/local-stack.ts';
import { seedDemoData } from '../../infra/local/seed.ts';
import { sevenZip } from '../../infra/local/seven-zip.ts';
import { waitForReportEnd } from '../../infra/local/wait-for-report.ts';
import { assertDescribedAnswer } from './api-description.ts';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Service {
  stack: LocalStack;
  records: DynamoRecordsRepository;
  tokens: { creator: string; mentor: string; stranger: string; otherOrgCreator: string };
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
  ): Promise<ApiResponse<T>>;
  /** Polls GET /v1/reports/{id} until the request has ended. */
  waitForEnd(id: string, token: string): Promise<ReportBody>;
  stop(): Promise<void>;
}

export interface ReportBody {
  id: string;
  status: VisibleStatus;
  error?: string;
  encryption?: 'aes256' | 'zipcrypto';
  batches: {
    batchId: string;
    status: string;
    error?: string;
    file?: { fileName: string; rows: number; bytes: number; sha256: string; url: string; expiresAt: string };
  }[];
}

/** The local stack over HTTP with the demo course seeded, as a dashboard would see it. */
export async function startService(learners = 320, envOverrides?: Record<string, string>): Promise<Service> {
  const stack = await startLocalStack({ envOverrides });
  const records = new DynamoRecordsRepository(stack.env.RECORDS_TABLE as string);
  await seedDemoData(records, learners);
  const tokens = {
    creator: await issueLocalToken({ sub: DEMO.creator, org: DEMO.org }),
    mentor: await issueLocalToken({ sub: DEMO.mentor, org: DEMO.org }),
    stranger: await issueLocalToken({ sub: DEMO.stranger, org: DEMO.org }),
    otherOrgCreator: await issueLocalToken({ sub: DEMO.otherOrg.creator, org: DEMO.otherOrg.org }),
  };
  const call: Service['call'] = async (method, path, token, body) => {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    assertDescribedAnswer(method, path, { status: response.status, contentType: response.headers.get('content-type'), text });
    return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
  };
  const waitForEnd = (id: string, token: string) =>
    waitForReportEnd(async () => {
      const { status, body } = await call<{ request?: ReportBody }>('GET', `/v1/reports/${id}`, token);
      if (!body.request) throw new Error(`GET /v1/reports/${id} answered ${status}`);
      return body.request;
    });
  return { stack, records, tokens, call, waitForEnd, stop: () => stack.stop() };
}

/** Downloads a presigned link like a mentor's browser would. */
export async function download(url: string): Promise<{ bytes: Buffer; disposition: string | null }> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Download failed: ${response.status}`);
  return { bytes: Buffer.from(await response.arrayBuffer()), disposition: response.headers.get('content-disposition') };
}

/** Opens a ZIP with 7-Zip (the system's, or the packaged 7za), as a mentor would, and returns the text of its one file. */
export async function openZip(zip: Buffer, password?: string): Promise<{ name: string; text: string; method: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'zip-'));
  const file = join(dir, 'report.zip');
  writeFileSync(file, zip);
  const { stdout: listing } = await sevenZip(['l', '-slt', `-p${password ?? ''}`, file]);
  const text = listing.toString('utf8');
  const name = /^Path = (.+\.csv)$/m.exec(text)?.[1] ?? '';
  // e.g. "AES-256 Deflate", "ZipCrypto Deflate" or "Deflate": how 7-Zip sees the entry's encryption.
  const method = /^Method = (.+)$/m.exec(text)?.[1]?.trim() ?? '';
  const { stdout } = await sevenZip(['x', '-so', `-p${password ?? ''}`, file], { maxBuffer: 512 * 1024 * 1024 });
  return { name, text: stdout.toString('utf8'), method };
}

export async function zipOpensWith(zip: Buffer, password: string): Promise<boolean> {
  return openZip(zip, password).then(
    () => true,
    () => false,
  );
}

/** Parses one of our CSVs: checks the BOM, returns header and rows as text cells. */
export function readCsv(text: string): { header: string[]; rows: string[][] } {
  if (!text.startsWith('\uFEFF')) throw new Error('CSV has no UTF-8 BOM');
  const [header = [], ...rows] = parse(text.slice(1), { relax_column_count: false }) as string[][];
  return { header, rows };
}

export interface LearnerStatsService {
  stack: LocalStack;
  /** GET as `sub` of `org` (the learner statistics demo org by default). */
  get<T = Record<string, unknown>>(path: string, sub: string, org?: string): Promise<ApiResponse<T>>;
  /** Any method as `sub` of the demo org, with a JSON body. */
  call<T = Record<string, unknown>>(method: string, path: string, sub: string, body?: unknown): Promise<ApiResponse<T>>;
  /** Polls GET /v1/reports/{id} as `sub` until the request has ended. */
  waitForEnd(id: string, sub: string): Promise<ReportBody>;
  stop(): Promise<void>;
}

/** The local stack over HTTP with only the learner statistics demo org seeded, its times relative to `now`. */
export async function startLearnerStatsService(now: Date): Promise<LearnerStatsService> {
  const stack = await startLocalStack();
  await seedLearnerDemo(stack.env.RECORDS_TABLE as string, now);
  const get: LearnerStatsService['get'] = async (path, sub, org = ACADEMY.org) => {
    const token = await issueLocalToken({ sub, org });
    const response = await fetch(`${stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    assertDescribedAnswer('GET', path, { status: response.status, contentType: response.headers.get('content-type'), text });
    return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
  };
  const call: LearnerStatsService['call'] = async (method, path, sub, body) => {
    const token = await issueLocalToken({ sub, org: ACADEMY.org });
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
  };
  const waitForEnd = (id: string, sub: string) =>
    waitForReportEnd(async () => {
      const { status, body } = await get<{ request?: ReportBody }>(`/v1/reports/${id}`, sub);
      if (!body.request) throw new Error(`GET /v1/reports/${id} answered ${status}`);
      return body.request;
    });
  return { stack, get, call, waitForEnd, stop: () => stack.stop() };
}
