import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { encryptionLabel, hybridDecrypt, hybridEncrypt } from './crypto';
import { objectIdentifier, time, unsignedInteger } from './der';
import { generateSealingKey, type SealingKey } from './keys';
import { NoKeyCouldDecryptError, sealSecret, unsealSecret } from './sealed-secret';

// 2048-bit keys keep the shared CPU free; the format does not depend on the size.
let ours: SealingKey;
let theirs: SealingKey;

beforeAll(async () => {
  [ours, theirs] = await Promise.all([generateSealingKey({ bits: 2048 }), generateSealingKey({ bits: 2048 })]);
});

describe('DER encoder', () => {
  it('encodes OIDs, positive integers and times as DER requires', () => {
    expect(objectIdentifier('1.2.840.113549.1.1.11').toString('hex')).toBe('06092a864886f70d01010b');
    expect(unsignedInteger(Buffer.from([0x80])).toString('hex')).toBe('02020080');
    expect(unsignedInteger(Buffer.from([0x00, 0x01])).toString('hex')).toBe('020101');
    expect(time(new Date('2027-06-18T04:32:45Z')).toString('ascii').slice(2)).toBe('270618043245Z');
    expect(time(new Date('2051-01-02T03:04:05Z'))[0]).toBe(0x18);
  });
});

describe('sealing key certificate', () => {
  it('is a parseable, self-signed CA certificate for the key pair with an empty subject', () => {
    const cert = new X509Certificate(ours.certificatePem);
    expect(ours.certificatePem.split('\n').slice(1, -3).every((line) => line.length === 64)).toBe(true);
    // basicConstraints critical CA:TRUE and keyUsage critical encipherOnly, as sealed-secrets writes them.
    // (node's `ca` stays false for such a certificate: OpenSSL wants keyCertSign for that, and Go's has none either.)
    expect(cert.raw.toString('hex')).toContain('0603551d130101ff040530030101ff');
    expect(cert.raw.toString('hex')).toContain('0603551d0f0101ff04040302000');
    expect(cert.subject ?? '').toBe('');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(ours.privateKeyPem))).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(theirs.privateKeyPem))).toBe(false);
    const years = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365 * 86_400_000);
    expect(Math.round(years)).toBe(10);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('puts a common name in the subject when asked', async () => {
    const named = new X509Certificate((await generateSealingKey({ bits: 1024, commonName: 'sealed-secret' })).certificatePem);
    expect(named.subject).toBe('CN=sealed-secret');
  });
});

describe('hybrid encryption', () => {
  it('round-trips and lays out length || RSA-OAEP || AES-GCM ciphertext+tag', () => {
    const label = encryptionLabel('default', 'foobar', 'strict');
    expect(label.toString()).toBe('default/foobar');
    const sealed = hybridEncrypt(ours.certificatePem, Buffer.from('bar'), label);
    expect(sealed.readUInt16BE(0)).toBe(256);
    expect(sealed.length).toBe(2 + 256 + 3 + 16);
    expect(hybridDecrypt(ours.privateKeyPem, sealed, label).toString()).toBe('bar');
    // Fresh session key each time: the same value never seals to the same bytes.
    expect(hybridEncrypt(ours.certificatePem, Buffer.from('bar'), label).equals(sealed)).toBe(false);
  });

  it('a 4096-bit key gives the "Ag" prefix of real SealedSecrets (length 0x0200)', () => {
    const big = createPublicKey(FIXED_4096_PUBLIC_KEY);
    const sealed = hybridEncrypt(big, Buffer.from('x'), Buffer.alloc(0));
    expect(sealed.readUInt16BE(0)).toBe(512);
    expect(sealed.toString('base64').startsWith('Ag')).toBe(true);
  });

  it('binds the ciphertext to its label and detects tampering', () => {
    const sealed = hybridEncrypt(ours.certificatePem, Buffer.from('secret'), encryptionLabel('ns', 'a', 'strict'));
    expect(() => hybridDecrypt(ours.privateKeyPem, sealed, encryptionLabel('ns', 'b', 'strict'))).toThrow();
    expect(() => hybridDecrypt(theirs.privateKeyPem, sealed, encryptionLabel('ns', 'a', 'strict'))).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(() => hybridDecrypt(ours.privateKeyPem, tampered, encryptionLabel('ns', 'a', 'strict'))).toThrow();
    expect(() => hybridDecrypt(ours.privateKeyPem, Buffer.from([1]), Buffer.alloc(0))).toThrow('SealedSecret data is too short');
    expect(encryptionLabel('ns', 'a', 'namespace-wide').toString()).toBe('ns');
    expect(encryptionLabel('ns', 'a', 'cluster-wide').length).toBe(0);
  });
});

describe('SealedSecret seal/unseal', () => {
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'foobar', namespace: 'default' }, data: { foo: Buffer.from('bar').toString('base64') }, stringData: { user: 'admin' } };

  it('unseals with the right key and keeps the template type', () => {
    const sealed = sealSecret({ ...secret, type: 'kubernetes.io/basic-auth' }, ours.certificatePem, 'strict');
    expect(Object.keys(sealed.spec.encryptedData)).toEqual(['foo', 'user']);
    const unsealed = unsealSecret(sealed as never, [theirs.privateKeyPem, ours.privateKeyPem]);
    expect(unsealed.type).toBe('kubernetes.io/basic-auth');
    expect(Buffer.from(unsealed.data.foo ?? '', 'base64').toString()).toBe('bar');
    expect(Buffer.from(unsealed.data.user ?? '', 'base64').toString()).toBe('admin');
  });

  it('fails with "no key could decrypt secret (keys)" for another cluster\'s key or another namespace', () => {
    const sealed = sealSecret(secret, ours.certificatePem, 'strict');
    expect(() => unsealSecret(sealed as never, [theirs.privateKeyPem])).toThrow(new NoKeyCouldDecryptError(['foo', 'user']));
    expect(() => unsealSecret(sealed as never, [theirs.privateKeyPem])).toThrow('no key could decrypt secret (foo, user)');
    const moved = { ...sealed, metadata: { ...sealed.metadata, namespace: 'other' } };
    expect(() => unsealSecret(moved as never, [ours.privateKeyPem])).toThrow('no key could decrypt secret (foo, user)');
  });

  it('namespace-wide sealing survives a rename and is annotated as such', () => {
    const sealed = sealSecret(secret, ours.certificatePem, 'namespace-wide');
    expect(sealed.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
    const renamed = { ...sealed, metadata: { ...sealed.metadata, name: 'renamed' } };
    expect(Object.keys(unsealSecret(renamed as never, [ours.privateKeyPem]).data)).toEqual(['foo', 'user']);
  });
});

// The public half of a throwaway 4096-bit RSA key: checks the layout without generating a big key per run.
const FIXED_4096_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAtDm7RUlZXtRc/Wd2XQKm
cyX+GOBCJhOB6Q8lMZIq5AaZzGVgqPmzon1Gy8m7ajyQF68V+SVkIeyWxOGNq9Wc
E/1WOnBFp1FlzRnWFSWf9yhR9EnjJX+cj6U+iUzutMsschKENkFM36Wkq/zLyRAO
VPjw1Tzknr2b8bTdtdaldiqLNRVWO1pDnFwnumfmj6HY+P7CPibgtDRKBN7up0qZ
hJXFAEN2ROBT8zMo9mLltqWFrsPb7HdjIFcRNcHx35FZtjX/FkExQcojhUFKoKJW
IWhawhyzsPe/vYHX02oQc0xv12A3HhbMlu115G8Nj900CVwasT7cB6o5iQuU1E4N
y9QIeQafwPTr4KNLt085bOQis2suy23WeYaxzfVmywek8DsDjvYZ4itY3BQqPdyV
5ECa6nOyDi0Yht3xNsz88Qu3Nu6o15QWQTSvYDXxat3hhj5tr8dqOT/n2k1/APSr
Pmd7n2Fvnp+zimhkDpo8tNUQ2KQgUqAu3PWn4sJPibS9B7BPzVm8bmbvdkGpZ8qM
+sJMQV/5OXgU3wj8VFm87v6O2uMVnTbqTv+T6twSW2eDlcVQ8mcOpOt/JrxZolqa
Rivb/Fo/wGoH7m3Ed6qf6TAOek8fYOVyLNSelajBqR1sx4DK8Xc0eIEfKoFAvVEl
7KvQzVkWYnX/mtZi5J2Z6L8CAwEAAQ==
-----END PUBLIC KEY-----`;
