import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { PasswordSealer } from '../domain/ports.ts';
import { clients } from './aws-clients.ts';

/**
 * ZIP passwords at rest: KMS on AWS, bound to the request id by the encryption context so a sealed
 * password cannot be replayed onto another request.
 */
export class KmsPasswordSealer implements PasswordSealer {
  constructor(
    private readonly keyId: string,
    private readonly kms: KMSClient = clients.kms,
  ) {}

  async seal(password: string, requestId: string): Promise<string> {
    const out = await this.kms.send(
      new EncryptCommand({
        KeyId: this.keyId,
        Plaintext: Buffer.from(password, 'utf8'),
        EncryptionContext: { requestId },
      }),
    );
    if (!out.CiphertextBlob) throw new Error('KMS returned no ciphertext');
    return `kms:${Buffer.from(out.CiphertextBlob).toString('base64')}`;
  }

  async open(sealed: string, requestId: string): Promise<string> {
    const out = await this.kms.send(
      new DecryptCommand({
        KeyId: this.keyId,
        CiphertextBlob: Buffer.from(sealed.replace(/^kms:/, ''), 'base64'),
        EncryptionContext: { requestId },
      }),
    );
    if (!out.Plaintext) throw new Error('KMS returned no plaintext');
    return Buffer.from(out.Plaintext).toString('utf8');
  }
}

/** Local mode's stand-in for KMS: AES-256-GCM under a local key, the request id as associated data. */
export class LocalKeyPasswordSealer implements PasswordSealer {
  private readonly key: Buffer;

  constructor(hexKey: string) {
    this.key = Buffer.from(hexKey, 'hex');
    if (this.key.length !== 32) throw new Error('The local password key must be 32 bytes of hex');
  }

  async seal(password: string, requestId: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(requestId));
    const body = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
    return `local:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  async open(sealed: string, requestId: string): Promise<string> {
    const raw = Buffer.from(sealed.replace(/^local:/, ''), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12)).setAAD(Buffer.from(requestId));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/** KMS when PASSWORD_KEY_ID is set (AWS), otherwise the local key (local mode and tests). */
export function passwordSealerFromEnv(): PasswordSealer {
  const keyId = process.env.PASSWORD_KEY_ID;
  if (keyId) return new KmsPasswordSealer(keyId);
  const localKey = process.env.LOCAL_PASSWORD_KEY;
  if (localKey) return new LocalKeyPasswordSealer(localKey);
  throw new Error('Missing environment variable PASSWORD_KEY_ID (or LOCAL_PASSWORD_KEY in local mode)');
}
