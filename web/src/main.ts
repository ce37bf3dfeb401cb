import {
  type AnyReportView,
  Api,
  ApiError,
  type BatchOverview,
  type CourseHit,
  type CourseOverview,
  type ReportView,
} from './api.ts';
import {
  type DashboardConfig,
  demoUsers,
  finishHostedLogin,
  signInLocally,
  signOut,
  startHostedLogin,
  storedToken,
  tokenClaims,
} from './auth.ts';
import { byId, h } from './dom.ts';
import {
  blockReason,
  formatDate,
  formatDateTime,
  isInFlight,
  MAX_BATCHES,
  PASSWORD_REQUIRED,
  PASSWORD_RULES,
  REPORT_TYPE_LABELS,
  REPORT_TYPES,
  type ReportType,
  reportLabel,
  STATUS_LABELS,
} from './rules.ts';

/** How often the list refreshes while a request is Submitted or Pending. */
const REFRESH_MS = 1500;

interface State {
  config: DashboardConfig;
  api: Api;
  userId: string | undefined;
  course: CourseOverview | undefined;
  selected: Set<string>;
  requests: ReportView[];
  refreshTimer: number | undefined;
  /** Bumped whenever another course is opened, so late answers for the old one are dropped. */
  generation: number;
  submitting: boolean;
}

const state = {} as State;

/** Query parameter of the link in "your report ended" e-mails: `?report={id}` opens that request. */
const REPORT_PARAM = 'report';
/** Keeps that id across the hosted login's round trip, which comes back without the query. */
const LINKED_REPORT_KEY = 'courseExhaust.linkedReport';

/** Takes `?report={id}` off the address, keeping it until the dashboard (after sign-in) shows it. */
function rememberLinkedReport(): void {
  const url = new URL(location.href);
  const id = url.searchParams.get(REPORT_PARAM);
  if (!id) return;
  sessionStorage.setItem(LINKED_REPORT_KEY, id);
  url.searchParams.delete(REPORT_PARAM);
  history.replaceState(null, '', url.toString());
}

async function main(): Promise<void> {
  rememberLinkedReport();
  const config = (await (await fetch('config.json', { cache: 'no-store' })).json()) as DashboardConfig;
  state.config = config;
  state.api = new Api(config.apiUrl.replace(/\/$/, ''), storedToken);
  state.selected = new Set();
  state.requests = [];
  state.generation = 0;
  state.submitting = false;
  wireForms();
  if (config.auth.mode === 'oidc') {
    try {
      await finishHostedLogin(config.auth);
    } catch (error) {
      showSignIn((error as Error).message);
      return;
    }
  }
  if (storedToken()) await showDashboard();
  else await showSignIn();
}

function wireForms(): void {
  byId<HTMLFormElement>('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void search(byId<HTMLInputElement>('query').value);
  });
  byId<HTMLFormElement>('request-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void submitRequest();
  });
  byId<HTMLSelectElement>('report-type').addEventListener('change', updateRequestForm);
  byId<HTMLInputElement>('password').addEventListener('input', updateRequestForm);
}

async function showSignIn(problem?: string): Promise<void> {
  state.userId = undefined;
  byId('who').replaceChildren();
  byId('finder').hidden = true;
  byId('course').hidden = true;
  const section = byId('signin');
  section.hidden = false;
  const body = byId('signin-body');
  body.replaceChildren();
  if (problem) body.append(h('p', { class: 'error', role: 'alert' }, problem));
  const auth = state.config.auth;
  if (auth.mode === 'oidc') {
    body.append(
      h('p', {}, 'Sign in with your organisation account.'),
      h('button', { type: 'button', onclick: () => void startHostedLogin(auth) }, 'Sign in'),
    );
    return;
  }
  const users = await demoUsers();
  const select = h(
    'select',
    { id: 'demo-user', name: 'demo-user' },
    ...users.map((user) => h('option', { value: user.userId }, user.label)),
  );
  const form = h(
    'form',
    { id: 'signin-form' },
    h('p', { class: 'muted' }, 'Local mode: pick a demo user; the local stack signs a development token for them.'),
    h('label', { for: 'demo-user' }, 'Demo user'),
    h('div', { class: 'row' }, select, h('button', { type: 'submit' }, 'Sign in')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await signInLocally(select.value);
    await showDashboard();
  });
  body.append(form);
  select.focus();
}

async function showDashboard(): Promise<void> {
  const token = storedToken();
  if (!token) return showSignIn();
  state.userId = String(tokenClaims(token).sub ?? '');
  byId('signin').hidden = true;
  byId('finder').hidden = false;
  byId('who').replaceChildren(
    h('span', {}, 'Signed in as ', h('strong', {}, state.userId)),
    h(
      'button',
      {
        type: 'button',
        class: 'link',
        onclick: () => {
          signOut();
          closeCourse();
          byId('linked').hidden = true;
          void showSignIn();
        },
      },
      'Sign out',
    ),
  );
  byId<HTMLInputElement>('query').focus();
  await Promise.all([search(''), showLinkedReport()]);
}

/** The request an e-mail linked to: its status and, when done, downloads that each mint a fresh link. */
async function showLinkedReport(): Promise<void> {
  const id = sessionStorage.getItem(LINKED_REPORT_KEY);
  if (!id) return;
  const section = byId('linked');
  const status = byId('linked-status');
  section.hidden = false;
  byId('linked-title').textContent = 'Your report';
  byId('linked-summary').textContent = '';
  byId('linked-actions').replaceChildren();
  status.className = '';
  status.textContent = 'Loading the report from your e-mail…';
  try {
    const request = await state.api.report(id);
    sessionStorage.removeItem(LINKED_REPORT_KEY);
    renderLinkedReport(request);
    byId('linked-title').focus();
  } catch (error) {
    // Kept for after a new sign-in when the token had expired; any other refusal is final.
    if (!(error instanceof ApiError && error.status === 401)) sessionStorage.removeItem(LINKED_REPORT_KEY);
    status.className = 'error';
    await failed(error, status);
  }
}

function renderLinkedReport(request: AnyReportView): void {
  const { courseId } = request;
  byId('linked-title').textContent = courseId === undefined ? reportLabel(request.type) : `${reportLabel(request.type)} report`;
  const scope =
    courseId === undefined
      ? 'Your organisation'
      : `Course ${courseId} · ${request.batchIds.length} batch${request.batchIds.length === 1 ? '' : 'es'}`;
  byId('linked-summary').textContent = `${scope} · requested ${formatDateTime(request.createdAt)}`;
  const status = byId('linked-status');
  status.className = '';
  status.replaceChildren(h('span', { class: `pill ${request.status.toLowerCase()}` }, STATUS_LABELS[request.status]));
  if (request.status === 'FAILED' && request.error) status.append(h('span', { class: 'reason' }, ` ${request.error}`));
  const downloads = request.batches
    .filter((b) => b.file && request.status !== 'EXPIRED')
    .map((b) =>
      h(
        'button',
        { type: 'button', class: 'download', onclick: () => void download(request.id, b.batchId, status) },
        courseId === undefined ? 'Download' : `Download ${b.batchId}`,
      ),
    );
  const openItsCourse =
    courseId === undefined
      ? []
      : [h('button', { type: 'button', class: 'link', onclick: () => void openCourse(courseId) }, 'Open its course')];
  byId('linked-actions').replaceChildren(...downloads, ...openItsCourse);
}

let searches = 0;

async function search(query: string): Promise<void> {
  const status = byId('search-status');
  const list = byId('hits');
  status.textContent = 'Searching…';
  const mine = ++searches;
  try {
    const hits = await state.api.searchCourses(query.trim());
    // An older search that answers late must not replace a newer one's results.
    if (mine !== searches) return;
    list.replaceChildren(...hits.map(hitItem));
    status.textContent =
      hits.length === 0
        ? query.trim()
          ? `No course of yours matches “${query.trim()}”.`
          : 'You have no courses yet.'
        : query.trim()
          ? `${hits.length} matching course${hits.length === 1 ? '' : 's'}`
          : 'Your courses';
  } catch (error) {
    await failed(error, status);
  }
}

function hitItem(hit: CourseHit): HTMLLIElement {
  return h(
    'li',
    {},
    h(
      'button',
      { type: 'button', class: 'hit', onclick: () => void openCourse(hit.courseId) },
      h('span', { class: 'hit-name' }, hit.name),
      h('span', { class: 'muted' }, ` ${hit.courseId} · ${hit.roles.join(', ')}`),
    ),
  );
}

function closeCourse(): void {
  state.generation += 1;
  state.course = undefined;
  state.requests = [];
  window.clearTimeout(state.refreshTimer);
  byId('course').hidden = true;
}

async function openCourse(courseId: string): Promise<void> {
  closeCourse();
  const generation = state.generation;
  const status = byId('search-status');
  try {
    const course = await state.api.course(courseId);
    if (generation !== state.generation) return;
    state.course = course;
    state.selected = new Set();
    renderCourse(course);
    byId('course').hidden = false;
    byId('course-title').focus();
    await refreshRequests(generation);
  } catch (error) {
    await failed(error, status);
  }
}

function renderCourse(course: CourseOverview): void {
  byId('course-title').textContent = course.name;
  byId('course-id').textContent = `Course ${course.courseId}`;
  byId('batch-rows').replaceChildren(...course.batches.map(batchRow));
  const types = REPORT_TYPES.filter((type) => course.batches.some((b) => b.reportTypes.includes(type)));
  byId('report-type').replaceChildren(...types.map((type) => h('option', { value: type }, REPORT_TYPE_LABELS[type])));
  byId<HTMLInputElement>('password').value = '';
  byId('request-message').textContent = '';
  // Messages go to the address the sign-in carries; without one there is nowhere to send them.
  const token = storedToken();
  const email = token ? tokenClaims(token).email : undefined;
  const notify = byId<HTMLInputElement>('notify');
  notify.checked = false;
  notify.disabled = typeof email !== 'string';
  byId('notify-hint').textContent =
    typeof email === 'string'
      ? `A message with a link to the report goes to ${email} when it succeeds or fails.`
      : 'Your sign-in carries no e-mail address, so no message can be sent.';
  updateRequestForm();
}

function batchRow(batch: BatchOverview): HTMLTableRowElement {
  const checkboxId = `batch-${batch.batchId}`;
  const checkbox = h('input', {
    type: 'checkbox',
    id: checkboxId,
    value: batch.batchId,
    checked: state.selected.has(batch.batchId),
  });
  checkbox.addEventListener('change', () => {
    if (checkbox.checked) state.selected.add(batch.batchId);
    else state.selected.delete(batch.batchId);
    updateRequestForm();
  });
  return h(
    'tr',
    {},
    h('td', {}, checkbox),
    h('th', { scope: 'row' }, h('label', { for: checkboxId }, batch.name), h('div', { class: 'muted id' }, batch.batchId)),
    h('td', { 'data-label': 'Start' }, formatDate(batch.startDate)),
    h('td', { 'data-label': 'End' }, formatDate(batch.endDate)),
    h('td', { 'data-label': 'Status' }, h('span', { class: `pill ${batch.status.toLowerCase()}` }, batch.status)),
    h('td', { 'data-label': 'Enrolment', class: 'num' }, batch.enrolments.toLocaleString('en-IN')),
    h('td', { 'data-label': 'Your role' }, batch.role),
  );
}

function selectedType(): ReportType | undefined {
  const value = byId<HTMLSelectElement>('report-type').value;
  return value ? (value as ReportType) : undefined;
}

function updateRequestForm(): void {
  const course = state.course;
  if (!course) return;
  const type = selectedType();
  const passwordRequired = type !== undefined && PASSWORD_REQUIRED.has(type);
  const password = byId<HTMLInputElement>('password');
  password.required = passwordRequired;
  byId('password-label').textContent = passwordRequired ? 'ZIP password (required)' : 'ZIP password (optional)';
  byId('password-rules').textContent =
    `${passwordRequired ? 'Required for this report, as it holds personal data. ' : ''}Rules: ${PASSWORD_RULES.join(', ')}. Anyone opening the ZIP needs it; it is not shown again.`;
  const selected = course.batches.filter((b) => state.selected.has(b.batchId));
  byId('batch-count').textContent = `${selected.length} of ${course.batches.length} batches selected (at most ${MAX_BATCHES}).`;
  const reason = state.submitting
    ? 'Submitting…'
    : blockReason(
        {
          userId: state.userId ?? '',
          courseId: course.courseId,
          type,
          batchIds: selected.map((b) => b.batchId),
          password: password.value,
          allowedTypes: new Map(course.batches.map((b) => [b.batchId, b.reportTypes])),
          batchNames: new Map(course.batches.map((b) => [b.batchId, b.name])),
        },
        state.requests,
      );
  const submit = byId<HTMLButtonElement>('submit');
  submit.disabled = reason !== undefined;
  byId('submit-reason').textContent = reason ?? '';
}

async function submitRequest(): Promise<void> {
  const course = state.course;
  const type = selectedType();
  if (!course || !type || byId<HTMLButtonElement>('submit').disabled) return;
  const password = byId<HTMLInputElement>('password');
  const message = byId('request-message');
  state.submitting = true;
  updateRequestForm();
  try {
    const request = await state.api.submit({
      type,
      courseId: course.courseId,
      batchIds: [...state.selected],
      ...(password.value ? { password: password.value } : {}),
      ...(byId<HTMLInputElement>('notify').checked ? { notifyByEmail: true } : {}),
    });
    password.value = '';
    // Shown at once as Submitted; the refresh below then follows it through Pending to its end.
    state.requests = [
      {
        id: request.id,
        type,
        courseId: course.courseId,
        batchIds: [...state.selected],
        status: request.status,
        requestedBy: state.userId ?? '',
        createdAt: request.createdAt,
        batches: [],
      },
      ...state.requests.filter((r) => r.id !== request.id),
    ];
    renderRequests(course, state.requests);
    message.className = 'info';
    message.textContent = `Request submitted (${request.id.slice(0, 8)}). It appears below; the list refreshes itself.`;
  } catch (error) {
    message.className = 'error';
    message.textContent = error instanceof ApiError ? error.message : 'The request could not be sent; try again.';
  } finally {
    state.submitting = false;
  }
  await refreshRequests(state.generation);
}

async function refreshRequests(generation: number): Promise<void> {
  const course = state.course;
  if (!course) return;
  window.clearTimeout(state.refreshTimer);
  try {
    const requests = await state.api.listReports(course.courseId);
    if (generation !== state.generation) return;
    const changed = JSON.stringify(summaries(requests)) !== JSON.stringify(summaries(state.requests));
    state.requests = requests;
    if (changed) renderRequests(course, requests);
    updateRequestForm();
  } catch (error) {
    await failed(error, byId('requests-status'));
  }
  if (generation === state.generation && state.requests.some((r) => isInFlight(r.status))) {
    state.refreshTimer = window.setTimeout(() => void refreshRequests(generation), REFRESH_MS);
  }
}

/** What the list shows, without the links (which change on every read). */
const summaries = (requests: ReportView[]) =>
  requests.map((r) => [r.id, r.status, r.error, r.batches.map((b) => [b.batchId, b.status, b.error, Boolean(b.file)])]);

function renderRequests(course: CourseOverview, requests: ReportView[]): void {
  const names = new Map(course.batches.map((b) => [b.batchId, b.name]));
  const nameOf = (batchId: string) => names.get(batchId) ?? batchId;
  byId('requests-status').textContent =
    requests.length === 0 ? 'No requests yet.' : `${requests.length} most recent, newest first.`;
  byId('request-rows').replaceChildren(
    ...requests.map((request) => {
      const label = STATUS_LABELS[request.status];
      return h(
        'tr',
        { 'data-request-id': request.id },
        h('td', { 'data-label': 'Requested' }, formatDateTime(request.createdAt)),
        h('td', { 'data-label': 'Report' }, REPORT_TYPE_LABELS[request.type]),
        h('td', { 'data-label': 'Batches' }, request.batchIds.map(nameOf).join(', ')),
        h(
          'td',
          { 'data-label': 'Status' },
          h('span', { class: `pill ${request.status.toLowerCase()}` }, label),
          request.status === 'FAILED' && request.error ? h('div', { class: 'reason' }, request.error) : undefined,
        ),
        h(
          'td',
          { 'data-label': 'Download' },
          ...request.batches
            .filter((b) => b.file && request.status !== 'EXPIRED')
            .map((b) =>
              h(
                'button',
                { type: 'button', class: 'download', onclick: () => void download(request.id, b.batchId) },
                `Download ${nameOf(b.batchId)}`,
              ),
            ),
        ),
      );
    }),
  );
}

/** Links expire: each click reads the request again and follows the link minted just now. */
async function download(requestId: string, batchId: string, status = byId('requests-status')): Promise<void> {
  try {
    const request = await state.api.report(requestId);
    const url = request.batches.find((b) => b.batchId === batchId)?.file?.url;
    if (!url) {
      status.textContent = 'That file is no longer available.';
      return;
    }
    window.location.assign(url);
  } catch (error) {
    await failed(error, status);
  }
}

async function failed(error: unknown, where: HTMLElement): Promise<void> {
  if (error instanceof ApiError && error.status === 401) {
    signOut();
    closeCourse();
    await showSignIn(error.message);
    return;
  }
  where.textContent = error instanceof ApiError ? error.message : 'The service could not be reached; try again.';
}

void main();
