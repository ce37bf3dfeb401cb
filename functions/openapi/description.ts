import { z } from 'zod';
import { ActivityWindowBody } from '#shared/course-reports/window';
import { LearnerRecordSchema } from '#shared/domain/learner-records';
import { Id, LearningRecordSchema } from '#shared/domain/records';
import { API_KEYS_SCOPE, CreateApiKeyBody } from '#shared/usecases/api-keys';
import { SearchCoursesQuery } from '#shared/usecases/browse-courses';
import { INGEST_SCOPE, MAX_RECORDS_PER_CALL } from '#shared/usecases/ingest-records';
import { ListUsersQuery, UserIdParam } from '#shared/usecases/learner-statistics';
import { ListReportsQuery, ReportRequestId } from '#shared/usecases/read-reports';
import { SubmitReportBody } from '#shared/usecases/submit-report';
import * as answers from './responses.ts';

/**
 * The API's OpenAPI 3.1 description, built from the zod schemas the handlers parse with (requests)
 * and the answers' schemas in `responses.ts`. `npm run openapi` writes it to docs/openapi.json;
 * GET /openapi.json serves it; test/infra/openapi.test.ts keeps both and the stack's routes in step.
 */

type Method = 'GET' | 'POST' | 'DELETE';
type Auth = { kind: 'jwt'; scopes?: string[] } | { kind: 'apiKey' } | { kind: 'none' };

interface Answer {
  description: string;
  /** A JSON body: one schema, or several that the answer may take (e.g. API Gateway's own or ours). */
  json?: z.ZodType | z.ZodType[];
  csv?: boolean;
  headers?: Record<string, string>;
}

export interface RouteDescription {
  method: Method;
  /** API Gateway's path, `{param}` segments included. */
  path: string;
  summary: string;
  tag: string;
  auth: Auth;
  pathParameters?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  /** Query parameters read outside a zod schema (e.g. the course reports' `output`). */
  extraQuery?: Record<string, { schema: z.ZodType; description: string }>;
  body?: { schema: z.ZodType; required: boolean };
  answers: Record<number, Answer>;
}

// ---------------------------------------------------------------------------------------------
// The answers every route of a kind may give

const gatewayRefusal = (status: 401 | 403) =>
  status === 401
    ? 'No valid bearer token (answered by API Gateway)'
    : "The token lacks the route's scope (answered by API Gateway)";

/** The /v1 routes behind the JWT authorizer: our JSON errors, and API Gateway's when it refuses the token. */
function jwtErrors(extra: { conflict?: boolean; json?: boolean } = {}): Record<number, Answer> {
  const errors: Record<number, Answer> = {
    400: { description: 'Bad input: the message and each offending field', json: answers.ApiError },
    401: {
      description: `${gatewayRefusal(401)}, or a token without sub and org claims`,
      json: [answers.GatewayError, answers.ApiError],
    },
    403: {
      description: `${gatewayRefusal(403)}, or the records do not let the caller do this`,
      json: [answers.GatewayError, answers.ApiError],
    },
    404: { description: 'Not found, or not visible to the caller', json: answers.ApiError },
    500: { description: 'Unexpected failure: the message names the request id to quote, nothing else', json: answers.ApiError },
  };
  if (extra.conflict) {
    errors[409] = {
      description: 'An identical request is still in progress: its id is in existingRequestId',
      json: answers.ApiError,
    };
  }
  if (extra.json) errors[415] = { description: 'The body is not sent as application/json', json: answers.ApiError };
  return errors;
}

/** The course reports: Strigo's error envelope, and API Gateway's answers when the key authorizer refuses or fails. */
const courseReportErrors: Record<number, Answer> = {
  400: { description: 'Bad input (e.g. `output` or the window)', json: answers.CourseReportError },
  401: { description: 'No or an unknown, revoked or malformed API key', json: [answers.GatewayError, answers.CourseReportError] },
  403: { description: 'Refused by the key authorizer (answered by API Gateway)', json: answers.GatewayError },
  404: { description: "No such course in the key's organisation", json: answers.CourseReportError },
  429: {
    description: "Over the key's rate: retry after the seconds in Retry-After",
    json: answers.CourseReportError,
    headers: { 'retry-after': 'Seconds to wait before the next call' },
  },
  500: {
    description: 'Unexpected failure, in the authorizer or the report',
    json: [answers.GatewayError, answers.CourseReportError],
  },
};

const courseReportAnswers = (what: string): Record<number, Answer> => ({
  200: { description: `${what}: JSON (\`{"result":"success","data":[…]}\`) or CSV`, json: answers.CourseReportData, csv: true },
  303: {
    description: 'Too large to answer inline (6 MB): stored for download, its presigned link in Location and in the body',
    json: answers.CourseReportRedirect,
    headers: { location: 'The presigned link' },
  },
  ...courseReportErrors,
});

const outputParameter = {
  output: {
    schema: z.enum(['json', 'csv']),
    description: 'json or csv; wins over the Accept header (`text/csv` asks for CSV); JSON by default',
  },
};

/** What POST /v1/records takes: each record is one of the kinds of docs/records.md, checked on its own. */
const IngestRecordsDescribed = z.strictObject({
  records: z
    .array(z.union([LearningRecordSchema, LearnerRecordSchema]))
    .min(1)
    .max(MAX_RECORDS_PER_CALL),
});

// ---------------------------------------------------------------------------------------------
// The routes

const jwt: Auth = { kind: 'jwt' };
const reportsBase = '/api/v1/ondemand-courses/{courseId}/reports';

export const ROUTES: RouteDescription[] = [
  {
    method: 'POST',
    path: '/v1/reports',
    summary: 'Ask for a report on batches of a course: recorded, then built by the workflow (one ZIP per batch)',
    tag: 'reports',
    auth: jwt,
    body: { schema: SubmitReportBody, required: true },
    answers: {
      202: { description: 'Recorded and started', json: answers.SubmittedReport },
      ...jwtErrors({ conflict: true, json: true }),
    },
  },
  {
    method: 'GET',
    path: '/v1/reports',
    summary: 'The last ten requests on a course (or one batch of it) the caller may see, newest first',
    tag: 'reports',
    auth: jwt,
    query: ListReportsQuery,
    answers: {
      200: {
        description: 'The requests, with fresh download links',
        json: z.looseObject({ requests: z.array(answers.ReportView) }),
      },
      ...jwtErrors(),
    },
  },
  {
    method: 'GET',
    path: '/v1/reports/{id}',
    summary: "A request's status, per-batch progress and fresh download links (30 minutes)",
    tag: 'reports',
    auth: jwt,
    pathParameters: { id: ReportRequestId },
    answers: { 200: { description: 'The request', json: z.looseObject({ request: answers.ReportView }) }, ...jwtErrors() },
  },
  {
    method: 'GET',
    path: '/v1/courses',
    summary: 'Courses the caller created or mentors a batch of, best matches first',
    tag: 'courses',
    auth: jwt,
    query: SearchCoursesQuery,
    answers: { 200: { description: 'Matching courses', json: answers.CourseHits }, ...jwtErrors() },
  },
  {
    method: 'GET',
    path: '/v1/courses/{courseId}',
    summary: "A course's batches the caller may see, with enrolment counts and the reports they may ask for",
    tag: 'courses',
    auth: jwt,
    pathParameters: { courseId: Id },
    answers: { 200: { description: 'The course', json: answers.CourseOverview }, ...jwtErrors() },
  },
  {
    method: 'GET',
    path: '/v1/users',
    summary: 'The users the caller may see, a page at a time',
    tag: 'learner statistics',
    auth: jwt,
    query: ListUsersQuery,
    answers: { 200: { description: 'A page of users', json: answers.UsersPage }, ...jwtErrors() },
  },
  {
    method: 'GET',
    path: '/v1/users/{userId}/statistics',
    summary: "A user's statistics page (the user, their coaches and group administrators, the owner)",
    tag: 'learner statistics',
    auth: jwt,
    pathParameters: { userId: UserIdParam },
    answers: { 200: { description: 'The statistics', json: answers.UserStatistics }, ...jwtErrors() },
  },
  {
    method: 'GET',
    path: '/v1/users/{userId}/public-statistics',
    summary: 'What any user of the org may see about another',
    tag: 'learner statistics',
    auth: jwt,
    pathParameters: { userId: UserIdParam },
    answers: { 200: { description: 'The public statistics', json: answers.PublicStatistics }, ...jwtErrors() },
  },
  {
    method: 'POST',
    path: '/v1/records',
    summary: "Validate and store learning records of the caller's org, all or nothing",
    tag: 'records',
    auth: { kind: 'jwt', scopes: [INGEST_SCOPE] },
    body: { schema: IngestRecordsDescribed, required: true },
    answers: { 200: { description: 'Stored: counts by kind', json: answers.IngestResult }, ...jwtErrors({ json: true }) },
  },
  {
    method: 'POST',
    path: '/v1/api-keys',
    summary: "A new API key for the caller's org, shown in this answer only",
    tag: 'api keys',
    auth: { kind: 'jwt', scopes: [API_KEYS_SCOPE] },
    body: { schema: CreateApiKeyBody, required: true },
    answers: { 201: { description: 'The key', json: answers.CreatedApiKey }, ...jwtErrors({ json: true }) },
  },
  {
    method: 'GET',
    path: '/v1/api-keys',
    summary: "The org's keys: id, label, created, last used, revoked; never the key",
    tag: 'api keys',
    auth: { kind: 'jwt', scopes: [API_KEYS_SCOPE] },
    answers: { 200: { description: 'The keys', json: answers.ApiKeyList }, ...jwtErrors() },
  },
  {
    method: 'DELETE',
    path: '/v1/api-keys/{keyId}',
    summary: "Revokes a key of the caller's org (404 for any other)",
    tag: 'api keys',
    auth: { kind: 'jwt', scopes: [API_KEYS_SCOPE] },
    pathParameters: { keyId: z.string().min(1) },
    answers: { 200: { description: 'Revoked', json: answers.RevokedApiKey }, ...jwtErrors() },
  },
  {
    method: 'GET',
    path: `${reportsBase}/enrollments`,
    summary: 'Course report: one row per enrolment',
    tag: 'course reports',
    auth: { kind: 'apiKey' },
    pathParameters: { courseId: z.string().min(1) },
    extraQuery: outputParameter,
    answers: courseReportAnswers('One item per enrolment'),
  },
  {
    method: 'GET',
    path: `${reportsBase}/exercises`,
    summary: "Course report: each enrolment's result per exercise",
    tag: 'course reports',
    auth: { kind: 'apiKey' },
    pathParameters: { courseId: z.string().min(1) },
    extraQuery: outputParameter,
    answers: courseReportAnswers('One item per enrolment and exercise'),
  },
  {
    method: 'POST',
    path: `${reportsBase}/user-activity`,
    summary: 'Course report: sessions in a window (a month up to now by default), per enrolment',
    tag: 'course reports',
    auth: { kind: 'apiKey' },
    pathParameters: { courseId: z.string().min(1) },
    extraQuery: outputParameter,
    body: { schema: ActivityWindowBody, required: false },
    answers: courseReportAnswers('One item per session in the window'),
  },
  {
    method: 'GET',
    path: '/openapi.json',
    summary: 'This description (public: it holds no data)',
    tag: 'meta',
    auth: { kind: 'none' },
    answers: { 200: { description: 'The OpenAPI 3.1 document', json: z.looseObject({ openapi: z.string() }) } },
  },
];

// ---------------------------------------------------------------------------------------------
// zod → JSON Schema (2020-12, which OpenAPI 3.1 uses as is)

type JsonSchema = Record<string, unknown>;

/** Turns schemas into JSON Schema, moving each one's `$defs` (recursive parts) into the shared components. */
class SchemaWriter {
  readonly components: Record<string, JsonSchema> = {};
  private readonly named = new Map<string, string>();

  write(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const { $schema: _dialect, $defs, ...body } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
    const renamed = new Map<string, string>();
    for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) renamed.set(name, this.share(def));
    return this.rewriteRefs(body, renamed) as JsonSchema;
  }

  /** Identical definitions share one component; the text of a definition decides its name. */
  private share(def: JsonSchema): string {
    const text = JSON.stringify(def);
    let name = this.named.get(text);
    if (!name) {
      name = `Definition${this.named.size + 1}`;
      this.named.set(text, name);
      this.components[name] = def;
    }
    return name;
  }

  private rewriteRefs(node: unknown, renamed: Map<string, string>): unknown {
    if (Array.isArray(node)) return node.map((item) => this.rewriteRefs(item, renamed));
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => {
        if (key !== '$ref') return [key, this.rewriteRefs(value, renamed)];
        const name = /^#\/\$defs\/(.+)$/.exec(String(value))?.[1];
        const target = name ? renamed.get(name) : undefined;
        if (!target) throw new Error(`Cannot place the reference ${String(value)} in the description`);
        return [key, `#/components/schemas/${target}`];
      }),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The document

const ERROR_COMPONENTS = {
  ApiError: answers.ApiError,
  CourseReportError: answers.CourseReportError,
  GatewayError: answers.GatewayError,
};

function securityOf(auth: Auth): Record<string, string[]>[] {
  if (auth.kind === 'none') return [];
  if (auth.kind === 'apiKey') return [{ apiKey: [] }];
  return [{ jwt: auth.scopes ?? [] }];
}

export function apiDescription(): Record<string, unknown> {
  const writer = new SchemaWriter();
  const errorNames = new Map<z.ZodType, string>(Object.entries(ERROR_COMPONENTS).map(([name, schema]) => [schema, name]));
  const schemas: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(ERROR_COMPONENTS)) schemas[name] = writer.write(schema, 'output');
  const responseSchema = (schema: z.ZodType): JsonSchema => {
    const name = errorNames.get(schema);
    return name ? { $ref: `#/components/schemas/${name}` } : writer.write(schema, 'output');
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const parameters: JsonSchema[] = [];
    for (const [name, schema] of Object.entries(route.pathParameters ?? {})) {
      parameters.push({ name, in: 'path', required: true, schema: writer.write(schema, 'input') });
    }
    if (route.query) {
      const query = writer.write(route.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
      for (const [name, schema] of Object.entries(query.properties ?? {})) {
        parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
      }
    }
    for (const [name, { schema, description }] of Object.entries(route.extraQuery ?? {})) {
      parameters.push({ name, in: 'query', required: false, description, schema: writer.write(schema, 'input') });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, answer] of Object.entries(route.answers)) {
      const content: Record<string, unknown> = {};
      if (answer.json) {
        const options = Array.isArray(answer.json) ? answer.json : [answer.json];
        const written = options.map(responseSchema);
        content['application/json'] = { schema: written.length === 1 ? written[0] : { oneOf: written } };
      }
      if (answer.csv) content['text/csv'] = { schema: { type: 'string', description: 'CSV, header first' } };
      responses[status] = {
        description: answer.description,
        ...(answer.headers
          ? {
              headers: Object.fromEntries(
                Object.entries(answer.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]),
              ),
            }
          : {}),
        ...(Object.keys(content).length > 0 ? { content } : {}),
      };
    }
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      operationId: operationId(route),
      summary: route.summary,
      tags: [route.tag],
      security: securityOf(route.auth),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: route.body.required,
              content: { 'application/json': { schema: writer.write(route.body.schema, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Course Exhaust API',
      version: '1.0.0',
      description:
        "On-demand learner reports. The /v1 routes take a JWT (`sub` and `org` claims) from the dashboard's identity provider; the course reports (/api/v1/ondemand-courses) take an org API key. Generated from the zod schemas the handlers parse with: `npm run openapi`.",
    },
    paths,
    components: {
      securitySchemes: {
        jwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A token with `sub` and `org` claims; some routes need a scope',
        },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An org API key: `Authorization: Bearer ORG_ID:API_KEY` (POST /v1/api-keys)',
        },
      },
      schemas: { ...schemas, ...writer.components },
    },
  };
}

/** `getV1ReportsById`-style names: stable, and unique because method and path are. */
function operationId(route: RouteDescription): string {
  const words = route.path
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/^\{(.+)\}$/, 'by-$1').replace(/\.json$/, ''))
    .flatMap((part) => part.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return [route.method.toLowerCase(), ...words.map((w) => w[0]?.toUpperCase() + w.slice(1))].join('');
}

/** The description as the committed file holds it. */
export function renderApiDescription(): string {
  return `${JSON.stringify(apiDescription(), null, 2)}\n`;
}
