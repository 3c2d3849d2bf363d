import { constants, createCipheriv, createDecipheriv, createPublicKey, privateDecrypt, publicEncrypt, randomBytes, KeyObject, type KeyLike } from 'node:crypto';

/**
 * The sealed-secrets hybrid format (bitnami-labs/sealed-secrets pkg/crypto HybridEncrypt):
 *   uint16 big-endian length of the RSA ciphertext || RSA-OAEP(SHA-256, label) of a fresh
 *   32-byte session key || AES-256-GCM(session key, zero nonce) ciphertext with its 16-byte tag.
 * A zero nonce is safe because every session key encrypts exactly one value.
 */

export type SealingScope = 'strict' | 'namespace-wide' | 'cluster-wide';

export const SESSION_KEY_BYTES = 32;
const GCM_NONCE_BYTES = 12;
const GCM_TAG_BYTES = 16;

export class SealedDataTooShortError extends Error {
  constructor() {
    super('SealedSecret data is too short');
  }
}

/** The OAEP label that binds a ciphertext to where it may be unsealed. */
export function encryptionLabel(namespace: string, name: string, scope: SealingScope): Buffer {
  switch (scope) {
    case 'cluster-wide':
      return Buffer.alloc(0);
    case 'namespace-wide':
      return Buffer.from(namespace);
    case 'strict':
      return Buffer.from(`${namespace}/${name}`);
  }
}

/** Accepts a PEM public key or a certificate, as `kubeseal --cert` does. */
export function publicKeyOf(certOrKey: KeyLike): KeyObject {
  if (certOrKey instanceof KeyObject && certOrKey.type === 'public') return certOrKey;
  return createPublicKey(certOrKey);
}

export function hybridEncrypt(publicKey: KeyLike, plaintext: Buffer, label: Buffer): Buffer {
  const sessionKey = randomBytes(SESSION_KEY_BYTES);
  const rsaCiphertext = publicEncrypt({ key: publicKeyOf(publicKey), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label }, sessionKey);
  const cipher = createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(GCM_NONCE_BYTES));
  const aesCiphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(rsaCiphertext.length);
  return Buffer.concat([prefix, rsaCiphertext, aesCiphertext]);
}

/** Throws when the key or label does not match or the data was tampered with. */
export function hybridDecrypt(privateKey: KeyLike, ciphertext: Buffer, label: Buffer): Buffer {
  if (ciphertext.length < 2) throw new SealedDataTooShortError();
  const rsaLength = ciphertext.readUInt16BE(0);
  if (ciphertext.length < rsaLength + 2 + GCM_TAG_BYTES) throw new SealedDataTooShortError();
  const rsaCiphertext = ciphertext.subarray(2, rsaLength + 2);
  const aesCiphertext = ciphertext.subarray(rsaLength + 2);
  const sessionKey = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label }, rsaCiphertext);
  const decipher = createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(GCM_NONCE_BYTES));
  decipher.setAuthTag(aesCiphertext.subarray(aesCiphertext.length - GCM_TAG_BYTES));
  return Buffer.concat([decipher.update(aesCiphertext.subarray(0, aesCiphertext.length - GCM_TAG_BYTES)), decipher.final()]);
}
