import { jwtVerify, SignJWT } from 'jose';

/**
 * Local mode's stand-in for the identity provider: HS256 tokens signed with a development key that
 * exists only here. On AWS, API Gateway's JWT authorizer verifies tokens from the real issuer.
 */
export const LOCAL_ISSUER = 'https://course-exhaust.local/';
export const LOCAL_AUDIENCE = 'course-exhaust-dashboard';
const LOCAL_KEY = new TextEncoder().encode('course-exhaust-local-development-key-never-use-in-production');

export interface LocalIdentity {
  sub: string;
  org: string;
  scope?: string;
  /** Sent as `email` with `email_verified: true`, as a Cognito ID token carries it. */
  email?: string;
}

/** The demo users' addresses: a domain that cannot receive mail, since local messages only land in the outbox. */
export const localEmail = (userId: string): string => `${userId}@demo.course-exhaust.local`;

export async function issueLocalToken(identity: LocalIdentity, expiresIn = '12h'): Promise<string> {
  return new SignJWT({
    org: identity.org,
    ...(identity.scope ? { scope: identity.scope } : {}),
    ...(identity.email ? { email: identity.email, email_verified: true } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(identity.sub)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(LOCAL_KEY);
}

/** Verifies like API Gateway's JWT authorizer: signature, issuer, audience, expiry. */
export async function verifyLocalToken(token: string): Promise<Record<string, unknown>> {
  const { payload } = await jwtVerify(token, LOCAL_KEY, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE });
  return payload as Record<string, unknown>;
}
