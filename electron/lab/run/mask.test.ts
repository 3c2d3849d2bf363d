import { describe, expect, it } from 'vitest';
import { createStreamMasker, derivedForms, MASK, SecretMasker } from './mask';

/** A small deterministic PRNG so a failure can be reproduced from the printed seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('SecretMasker', () => {
  it('replaces every occurrence of a registered value', () => {
    const masker = new SecretMasker();
    masker.register('ghp_abcdef123456');
    expect(masker.mask('token ghp_abcdef123456 and again ghp_abcdef123456.')).toBe(`token ${MASK} and again ${MASK}.`);
  });

  it('leaves text alone when nothing is registered', () => {
    expect(new SecretMasker().mask('ghp_abcdef123456')).toBe('ghp_abcdef123456');
  });

  it('refuses values shorter than four characters', () => {
    const masker = new SecretMasker();
    expect(() => masker.register('abc')).toThrow(/shorter than 4/);
    expect(() => masker.register('')).toThrow();
    expect(masker.size).toBe(0);
  });

  it('masks the base64 form of a value', () => {
    const masker = new SecretMasker();
    masker.register('s3cr3t-password');
    const encoded = Buffer.from('s3cr3t-password').toString('base64');
    expect(masker.mask(`data:\n  password: ${encoded}\n`)).toBe(`data:\n  password: ${MASK}\n`);
  });

  it('prefers the longest match at a position', () => {
    const masker = new SecretMasker();
    masker.register('abcab');
    masker.register('abcabd');
    expect(masker.mask('xabcabdy abcabz')).toBe(`x${MASK}y ${MASK}z`);
  });

  it('escapes regular-expression characters in values', () => {
    const masker = new SecretMasker();
    masker.register('a.b*c(d)[e]$f^g|h\\i');
    expect(masker.mask('a.b*c(d)[e]$f^g|h\\i axbxc')).toBe(`${MASK} axbxc`);
  });

  it('masks the private key of a service-account key JSON in all its forms', () => {
    const privateKey = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----\n';
    const keyJson = JSON.stringify(
      { type: 'service_account', project_id: 'lab', private_key_id: '0123456789abcdef', private_key: privateKey, client_email: 'x@lab.iam.gserviceaccount.com' },
      null,
      2,
    );
    const masker = new SecretMasker();
    masker.register(keyJson, { name: 'GCP_KEY' });
    const escaped = JSON.stringify(privateKey).slice(1, -1);
    expect(masker.mask(`creds: ${escaped}`)).toBe(`creds: ${MASK}`);
    expect(masker.mask(privateKey)).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
    expect(masker.mask('line MIIEvQIBADANBgkqhkiG9w0BAQEFAASC here')).toBe(`line ${MASK} here`);
    expect(masker.mask('id 0123456789abcdef')).toBe(`id ${MASK}`);
    expect(masker.mask(Buffer.from(keyJson).toString('base64'))).toBe(MASK);
    // Harmless fields of the key stay readable.
    expect(masker.mask('x@lab.iam.gserviceaccount.com')).toBe('x@lab.iam.gserviceaccount.com');
  });

  it('derives line forms for a multi-line value that is not JSON', () => {
    const forms = derivedForms('first-line-of-the-secret\nsecond-line-of-the-secret\nx');
    expect(forms).toContain('first-line-of-the-secret');
    expect(forms).toContain('second-line-of-the-secret');
    expect(forms).not.toContain('x');
  });

  it('renders named secrets as placeholders for the journal, and *** for the terminal', () => {
    const masker = new SecretMasker();
    masker.register('ghp_abcdef123456', { name: 'GITHUB_TOKEN' });
    masker.register('hunter22');
    const text = 'token=ghp_abcdef123456 pw=hunter22';
    expect(masker.mask(text)).toBe(`token=${MASK} pw=${MASK}`);
    expect(masker.maskAsPlaceholders(text)).toBe('token=${GITHUB_TOKEN} pw=***');
    expect(masker.namesIn(text)).toEqual(['GITHUB_TOKEN']);
  });

  it('rejects a placeholder name that is not an environment variable name', () => {
    expect(() => new SecretMasker().register('value-1234', { name: 'not ok' })).toThrow(/environment variable/);
  });
});

/** Leftmost-longest replacement written the obvious way, to check the fast matcher against. */
function referenceMask(text: string, forms: string[]): string {
  const longestFirst = [...forms].sort((a, b) => b.length - a.length);
  let out = '';
  for (let at = 0; at < text.length; ) {
    const form = longestFirst.find((candidate) => text.startsWith(candidate, at));
    if (form) {
      out += MASK;
      at += form.length;
    } else {
      out += text[at];
      at++;
    }
  }
  return out;
}

describe('matcher against a reference implementation', () => {
  // Few secrets exercise the per-anchor indexOf scan; many exercise the anchor-regex scan.
  for (const count of [3, 40]) {
    it(`agrees on random texts with ${count} secrets`, () => {
      const random = prng(count);
      const letter = (): string => 'abcd'[Math.floor(random() * 4)]!;
      const masker = new SecretMasker();
      while (masker.size < count) {
        let secret = '';
        const length = 4 + Math.floor(random() * 6);
        while (secret.length < length) secret += letter();
        // Only the value itself is compared; its base64 forms never occur in an abcd text.
        masker.register(secret);
      }
      const forms = masker.forms();
      for (let round = 0; round < 300; round++) {
        let text = '';
        const length = Math.floor(random() * 120);
        while (text.length < length) text += random() < 0.1 ? forms[Math.floor(random() * forms.length)]! : letter();
        expect(masker.mask(text)).toBe(referenceMask(text, forms));
      }
    });
  }
});

describe('createStreamMasker', () => {
  it('masks a secret split across chunks', () => {
    const masker = new SecretMasker();
    masker.register('ghp_abcdef123456');
    const stream = createStreamMasker(masker);
    const out = stream.push('token: ghp_abc') + stream.push('def12') + stream.push('3456 done') + stream.end();
    expect(out).toBe(`token: ${MASK} done`);
  });

  it('emits text that cannot start a secret immediately', () => {
    const masker = new SecretMasker();
    masker.register('ghp_abcdef123456');
    const stream = createStreamMasker(masker);
    expect(stream.push('hello world\n')).toBe('hello world\n');
    expect(stream.push('prefix gh')).toBe('prefix ');
    expect(stream.end()).toBe('gh');
  });

  it('renders placeholders when asked, across chunk boundaries', () => {
    const masker = new SecretMasker();
    masker.register('ghp_abcdef123456', { name: 'GITHUB_TOKEN' });
    const stream = createStreamMasker(masker, 'placeholders');
    expect(stream.push('--token=ghp_ab') + stream.push('cdef123456 ok') + stream.end()).toBe('--token=${GITHUB_TOKEN} ok');
  });

  it('picks up secrets registered while streaming', () => {
    const masker = new SecretMasker();
    const stream = createStreamMasker(masker);
    expect(stream.push('before ')).toBe('before ');
    masker.register('late-secret');
    expect(stream.push('late-secret!') + stream.end()).toBe(`${MASK}!`);
  });

  it('equals mask(whole) for 1,000+ random chunkings with overlapping secrets', () => {
    // Overlapping prefixes and a secret inside another. ('bca' itself is below the minimum
    // length, so 'bcab' stands in for the overlap it would create.)
    const secrets = ['abcabd', 'abcab', 'bcab', 'cabdcabd', 'zzzz'];
    const masker = new SecretMasker();
    for (const secret of secrets) masker.register(secret);
    const alphabet = 'abcdz\n';
    let runs = 0;
    for (let seed = 1; seed <= 1200; seed++) {
      const random = prng(seed);
      let text = '';
      const length = 20 + Math.floor(random() * 200);
      while (text.length < length) {
        text += random() < 0.3 ? secrets[Math.floor(random() * secrets.length)]! : alphabet[Math.floor(random() * alphabet.length)]!;
      }
      const stream = createStreamMasker(masker);
      let out = '';
      for (let at = 0; at < text.length; ) {
        const size = random() < 0.2 ? 1 : 1 + Math.floor(random() * 12);
        out += stream.push(text.slice(at, at + size));
        at += size;
      }
      out += stream.end();
      const expected = masker.mask(text);
      if (out !== expected) throw new Error(`seed ${seed}: ${JSON.stringify(text)} -> ${JSON.stringify(out)}, expected ${JSON.stringify(expected)}`);
      for (const secret of secrets) {
        if (out.includes(secret)) throw new Error(`seed ${seed}: output contains ${secret}`);
      }
      runs++;
    }
    expect(runs).toBe(1200);
  });

  it('holds back no more than the longest secret', () => {
    const masker = new SecretMasker();
    masker.register('aaaaaaaab');
    const stream = createStreamMasker(masker);
    const out = stream.push('a'.repeat(1000));
    expect(out.length).toBeGreaterThanOrEqual(1000 - 8);
    expect(out + stream.end()).toBe('a'.repeat(1000));
  });
});
