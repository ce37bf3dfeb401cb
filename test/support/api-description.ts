import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { apiDescription } from '../../functions/openapi/description.ts';

/**
 * Checks real answers against the API's OpenAPI description: the route and status must be
 * described, and a JSON body must match the schema described for that status. The e2e helpers
 * call it on every answer they get, so a handler and its description cannot drift apart unseen.
 */
const DOCUMENT = apiDescription() as { paths: Record<string, Record<string, { responses: Record<string, Described> }>> };
type Described = { content?: Record<string, unknown> };

const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: Node hands its plugin over as the default import, which its types call `.default`.
const addFormats = formats as unknown as (instance: Ajv2020) => Ajv2020;
addFormats(ajv);
ajv.addSchema(DOCUMENT, 'openapi.json');
const validators = new Map<string, ValidateFunction>();

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** The validator of the answer a route describes for a status and media type (compiled once). */
export function answerValidator(method: string, template: string, status: number | string, mediaType: string): ValidateFunction {
  const at = pointer('paths', template, method.toLowerCase(), 'responses', String(status), 'content', mediaType, 'schema');
  let validate = validators.get(at);
  if (!validate) {
    validate = ajv.compile({ $ref: `openapi.json#/${at}` });
    validators.set(at, validate);
  }
  return validate;
}

/** The described path template a concrete path falls under, e.g. /v1/reports/abc → /v1/reports/{id}. */
export function describedPath(path: string): string | undefined {
  const got = path.split('/');
  return Object.keys(DOCUMENT.paths).find((template) => {
    const want = template.split('/');
    return want.length === got.length && want.every((part, i) => (part.startsWith('{') ? Boolean(got[i]) : part === got[i]));
  });
}

export interface Answer {
  status: number;
  contentType: string | null;
  /** The body as received. */
  text: string;
}

/** Throws, naming the difference, when an answer is not one the description allows. */
export function assertDescribedAnswer(method: string, url: string, answer: Answer): void {
  const path = new URL(url, 'http://localhost').pathname;
  const template = describedPath(path);
  const operation = template ? DOCUMENT.paths[template]?.[method.toLowerCase()] : undefined;
  const where = `${method} ${path}`;
  if (!operation) {
    // Not a route of the API: only API Gateway's own 404 may answer it.
    if (answer.status === 404 && /^\{"message":/.test(answer.text)) return;
    throw new Error(`${where} is not in the API description, yet answered ${answer.status}`);
  }
  const response = operation.responses[String(answer.status)];
  if (!response) throw new Error(`${where} answered ${answer.status}, a status its description does not list`);
  const mediaType = (answer.contentType ?? '').split(';')[0]?.trim() ?? '';
  if (!response.content) {
    if (answer.text !== '') throw new Error(`${where} ${answer.status} has a body its description does not have`);
    return;
  }
  if (!(mediaType in response.content)) {
    throw new Error(
      `${where} ${answer.status} answered ${mediaType || 'no content type'}, not one of ${Object.keys(response.content).join(', ')}`,
    );
  }
  if (mediaType !== 'application/json') return;
  const validate = answerValidator(method, template as string, answer.status, mediaType);
  if (!validate(JSON.parse(answer.text))) {
    throw new Error(`${where} ${answer.status} does not match its description: ${ajv.errorsText(validate.errors)}`);
  }
}
