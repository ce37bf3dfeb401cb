/**
 * Configuration, read from the environment once when a module loads. A missing variable throws at
 * cold start, naming itself, instead of failing later on an empty string.
 */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`Missing environment variable ${name}`);
  return value;
}

export function requireNumberEnv(name: string): number {
  const value = Number(requireEnv(name));
  if (!Number.isFinite(value)) throw new Error(`Environment variable ${name} is not a number`);
  return value;
}

/** Local mode is on when the S3 endpoint is overridden to point at an emulator. */
export const isLocalMode = (): boolean => process.env.AWS_ENDPOINT_URL_S3 !== undefined;
