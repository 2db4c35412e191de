// Secrets Vigil must be able to read back (a monitored database's connection string), sealed at rest
// with AES-256-GCM under VIGIL_SECRET_KEY: "v1:" + base64url(12-byte nonce, 16-byte tag, ciphertext).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export function seal(key: Buffer, plain: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `v1:${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url')}`;
}

/** The sealed text's plain text; throws when the key is not the one it was sealed with or the text was altered. */
export function unseal(key: Buffer, sealed: string): string {
  if (!sealed.startsWith('v1:')) throw new Error('not a sealed value');
  const raw = Buffer.from(sealed.slice(3), 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
