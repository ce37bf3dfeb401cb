import type { ExportType, ReportType, RequestStatus, RequestSummary } from './rules.ts';

export interface CourseHit {
  courseId: string;
  name: string;
  roles: string[];
}
export interface BatchOverview {
  batchId: string;
  name: string;
  startDate: string;
  endDate?: string;
  status: 'Live' | 'Expired';
  enrolments: number;
  role: 'creator' | 'mentor';
  reportTypes: ReportType[];
}
export interface CourseOverview {
  courseId: string;
  name: string;
  batches: BatchOverview[];
}
/** A course's request, as GET /v1/reports?courseId= lists it. */
export interface ReportView extends RequestSummary {
  error?: string;
  batches: { batchId: string; status: string; error?: string; file?: { fileName: string; url: string; rows: number } }[];
}
/** Any request as GET /v1/reports/{id} reads it: an org export has no course and one part, `export`. */
export interface AnyReportView extends Omit<ReportView, 'type' | 'courseId'> {
  type: ReportType | ExportType;
  courseId?: string;
}

/** A refusal from the API, with the reason it gave. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The Course Exhaust API as the page calls it: bearer token, JSON both ways, reasons kept. */
export class Api {
  constructor(
    private readonly baseUrl: string,
    private readonly token: () => string | undefined,
  ) {}

  searchCourses(query: string) {
    return this.call<{ courses: CourseHit[] }>('GET', `/v1/courses?query=${encodeURIComponent(query)}`).then((b) => b.courses);
  }
  course(courseId: string) {
    return this.call<{ course: CourseOverview }>('GET', `/v1/courses/${encodeURIComponent(courseId)}`).then((b) => b.course);
  }
  listReports(courseId: string) {
    return this.call<{ requests: ReportView[] }>('GET', `/v1/reports?courseId=${encodeURIComponent(courseId)}`).then(
      (b) => b.requests,
    );
  }
  report(id: string) {
    return this.call<{ request: AnyReportView }>('GET', `/v1/reports/${encodeURIComponent(id)}`).then((b) => b.request);
  }
  submit(body: { type: ReportType; courseId: string; batchIds: string[]; password?: string; notifyByEmail?: boolean }) {
    return this.call<{ request: { id: string; status: RequestStatus; createdAt: string } }>('POST', '/v1/reports', body).then(
      (b) => b.request,
    );
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = this.token();
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = {};
    }
    if (!response.ok) {
      const error = (parsed as { error?: { message?: string }; message?: string }) ?? {};
      const reason = error.error?.message ?? error.message ?? `The service answered ${response.status}`;
      throw new ApiError(response.status, response.status === 401 ? 'Your sign-in has expired; sign in again.' : reason);
    }
    return parsed as T;
  }
}
