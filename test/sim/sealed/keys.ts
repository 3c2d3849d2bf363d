import { createHash, generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { bitString, booleanValue, explicit, nullValue, objectIdentifier, octetString, sequence, set, smallInteger, time, unsignedInteger, utf8String } from './der';

/**
 * The controller's sealing key: an RSA key pair with a self-signed certificate made the way
 * sealed-secrets makes it (pkg/crypto/keys.go): random 128-bit serial, CA basic constraints,
 * key usage "encipher only", subject CN from `--my-cn` (empty by default), 10-year validity.
 */

export interface SealingKey {
  privateKeyPem: string;
  certificatePem: string;
}

/** The RSA half of a sealing key, which is what takes long to make (seconds for 4096 bits). */
export interface RsaKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface SealingKeyOptions {
  /** The real controller uses 4096; tests may ask for 2048 to save CPU. */
  bits?: number;
  /** A pair made ahead of time (of `bits` bits); the certificate is still made now. */
  keyPair?: RsaKeyPair;
  commonName?: string;
  validForDays?: number;
  now?: Date;
}

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const COMMON_NAME = '2.5.4.3';
const KEY_USAGE = '2.5.29.15';
const BASIC_CONSTRAINTS = '2.5.29.19';
const SUBJECT_KEY_ID = '2.5.29.14';

const generateRsa = promisify(generateKeyPair);

export function generateRsaKeyPair(bits = 4096): Promise<RsaKeyPair> {
  return generateRsa('rsa', { modulusLength: bits });
}

export async function generateSealingKey(options: SealingKeyOptions = {}): Promise<SealingKey> {
  const { privateKey, publicKey } = options.keyPair ?? (await generateRsaKeyPair(options.bits ?? 4096));
  const certificatePem = selfSignedCertificate(privateKey, publicKey, options);
  return { privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), certificatePem };
}

export function selfSignedCertificate(privateKey: KeyObject, publicKey: KeyObject, options: SealingKeyOptions = {}): string {
  const now = options.now ?? new Date();
  const notAfter = new Date(now.getTime() + (options.validForDays ?? 3650) * 86_400_000);
  const algorithm = sequence(objectIdentifier(SHA256_WITH_RSA), nullValue());
  const name = options.commonName ? sequence(set(sequence(objectIdentifier(COMMON_NAME), utf8String(options.commonName)))) : sequence();
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const keyId = createHash('sha1').update(publicKey.export({ type: 'pkcs1', format: 'der' })).digest();
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const extensions = sequence(
    // encipherOnly is bit 7 of KeyUsage: the single byte 0x01, no unused bits.
    sequence(objectIdentifier(KEY_USAGE), booleanValue(true), octetString(bitString(Buffer.from([0x01]), 0))),
    sequence(objectIdentifier(BASIC_CONSTRAINTS), booleanValue(true), octetString(sequence(booleanValue(true)))),
    sequence(objectIdentifier(SUBJECT_KEY_ID), octetString(octetString(keyId))),
  );
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    algorithm,
    name,
    sequence(time(now), time(notAfter)),
    name,
    spki,
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
