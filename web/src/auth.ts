/**
 * Sign-in. On AWS the page sends the user to the JWT issuer's hosted login (authorization code
 * with PKCE: the page holds no secret) and keeps the ID token in sessionStorage for this tab only.
 * Locally it offers the demo users and asks the local stack for a development token.
 */

export type AuthConfig = { mode: 'local' } | { mode: 'oidc'; issuer: string; clientId: string; scope?: string };

export interface DashboardConfig {
  apiUrl: string;
  auth: AuthConfig;
}

export interface DemoUser {
  userId: string;
  label: string;
}

const TOKEN_KEY = 'courseExhaust.token';
const PKCE_KEY = 'courseExhaust.pkce';

export function storedToken(): string | undefined {
  const token = sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  if (!token) return undefined;
  const claims = tokenClaims(token);
  if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) {
    sessionStorage.removeItem(TOKEN_KEY);
    return undefined;
  }
  return token;
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** The token's claims, read only to show who is signed in: the API verifies the token. */
export function tokenClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  try {
    const text = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export async function demoUsers(): Promise<DemoUser[]> {
  const response = await fetch('/local/demo-users');
  if (!response.ok) throw new Error('The local stack did not list its demo users');
  return ((await response.json()) as { users: DemoUser[] }).users;
}

export async function signInLocally(userId: string): Promise<void> {
  const response = await fetch('/local/dev-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  if (!response.ok) throw new Error('The local stack refused a development token');
  sessionStorage.setItem(TOKEN_KEY, ((await response.json()) as { token: string }).token);
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

async function discover(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error('The sign-in service could not be reached');
  return (await response.json()) as Discovery;
}

const base64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const redirectUri = () => `${location.origin}${location.pathname}`;

/** Sends the browser to the hosted login; it comes back to this page with ?code=…&state=…. */
export async function startHostedLogin(auth: Extract<AuthConfig, { mode: 'oidc' }>): Promise<void> {
  const { authorization_endpoint } = await discover(auth.issuer);
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64Url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const url = new URL(authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: redirectUri(),
    scope: auth.scope ?? 'openid email profile',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  }).toString();
  location.assign(url.toString());
}

/** Finishes a hosted login when the page was opened with its code; true when a token was stored. */
export async function finishHostedLogin(auth: Extract<AuthConfig, { mode: 'oidc' }>): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code) return false;
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? '{}') as { verifier?: string; state?: string };
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, '', redirectUri());
  if (!saved.verifier || saved.state !== params.get('state')) throw new Error('The sign-in answer did not match; sign in again.');
  const { token_endpoint } = await discover(auth.issuer);
  const response = await fetch(token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      client_id: auth.clientId,
      code_verifier: saved.verifier,
    }),
  });
  if (!response.ok) throw new Error('Sign-in failed; try again.');
  // The ID token carries the org claim (a Cognito custom attribute) the API needs.
  const tokens = (await response.json()) as { id_token?: string };
  if (!tokens.id_token) throw new Error('The sign-in service returned no ID token.');
  sessionStorage.setItem(TOKEN_KEY, tokens.id_token);
  return true;
}
