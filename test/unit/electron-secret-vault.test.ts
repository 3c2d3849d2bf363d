import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSecretVault,
  restoreRememberedSecrets,
  withRememberedSecrets,
  type SafeStorageLike,
} from '../../electron/main/secret-vault';
import type { LabBackend } from '../../electron/api/dispatch';

/** A stand-in for the OS key store: reversible, but never leaves the plain text in the bytes. */
function fakeSafeStorage(overrides: Partial<SafeStorageLike> = {}): SafeStorageLike {
  return {
    isEncryptionAvailable: () => true,
    encryptString: (plain) => Buffer.from(`enc:${Buffer.from(plain).toString('base64').split('').reverse().join('')}`),
    decryptString: (encrypted) => {
      const text = encrypted.toString();
      if (!text.startsWith('enc:')) throw new Error('bad ciphertext');
      return Buffer.from(text.slice(4).split('').reverse().join(''), 'base64').toString();
    },
    ...overrides,
  };
}

const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lab-vault-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('createSecretVault', () => {
  it('saves encrypted, mode 0600 in a 0700 dir, and loads it back', async () => {
    const vault = createSecretVault({ dataDir, safeStorage: fakeSafeStorage() });
    await expect(vault.save('GITHUB_TOKEN', TOKEN)).resolves.toEqual({ persisted: true });
    const file = join(dataDir, 'secrets', 'GITHUB_TOKEN.enc');
    const bytes = await readFile(file);
    expect(bytes.toString()).not.toContain(TOKEN);
    if (process.platform !== 'win32') {
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(join(dataDir, 'secrets'))).mode & 0o777).toBe(0o700);
    }
    expect(await readdir(join(dataDir, 'secrets'))).toEqual(['GITHUB_TOKEN.enc']);
    await expect(vault.load('GITHUB_TOKEN')).resolves.toBe(TOKEN);
    await vault.save('GITHUB_TOKEN', 'ghp_second');
    await expect(vault.load('GITHUB_TOKEN')).resolves.toBe('ghp_second');
    await vault.remove('GITHUB_TOKEN');
    await expect(vault.load('GITHUB_TOKEN')).resolves.toBeUndefined();
  });

  it('refuses to persist without OS encryption, says why, and writes nothing', async () => {
    const encryptString = vi.fn();
    const log = vi.fn();
    const vault = createSecretVault({ dataDir, safeStorage: fakeSafeStorage({ isEncryptionAvailable: () => false, encryptString }), log });
    const outcome = await vault.save('GITHUB_TOKEN', TOKEN);
    expect(outcome).toEqual({ persisted: false, reason: expect.stringMatching(/in memory for this session only/) });
    expect(vault.unavailableReason()).toMatch(/no encrypted storage/);
    expect(encryptString).not.toHaveBeenCalled();
    expect(await readdir(dataDir)).toEqual([]);
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]?.[0])).not.toContain(TOKEN);
  });

  it("treats Chromium's fixed-key basic_text store on Linux as no encryption", async () => {
    const vault = createSecretVault({ dataDir, safeStorage: fakeSafeStorage({ getSelectedStorageBackend: () => 'basic_text' }) });
    await expect(vault.save('GITHUB_TOKEN', TOKEN)).resolves.toMatchObject({ persisted: false, reason: expect.stringMatching(/password manager/) });
    expect(await readdir(dataDir)).toEqual([]);
    const keyring = createSecretVault({ dataDir, safeStorage: fakeSafeStorage({ getSelectedStorageBackend: () => 'gnome_libsecret' }) });
    await expect(keyring.save('GITHUB_TOKEN', TOKEN)).resolves.toEqual({ persisted: true });
  });

  it('forgets a file it can no longer decrypt', async () => {
    const vault = createSecretVault({ dataDir, safeStorage: fakeSafeStorage() });
    await vault.save('GITHUB_TOKEN', TOKEN);
    await writeFile(join(dataDir, 'secrets', 'GITHUB_TOKEN.enc'), 'garbage');
    await expect(vault.load('GITHUB_TOKEN')).resolves.toBeUndefined();
    expect(await readdir(join(dataDir, 'secrets'))).toEqual([]);
  });

  it('refuses names that could point at other files', async () => {
    const vault = createSecretVault({ dataDir, safeStorage: fakeSafeStorage() });
    for (const name of ['../x', 'github_token', 'A/B', '', 'A'.repeat(65)]) {
      await expect(vault.save(name, TOKEN), name).rejects.toThrow(/not a secret name/);
      await expect(vault.load(name), name).rejects.toThrow(/not a secret name/);
    }
  });
});

function fakeBackend() {
  return { setSecret: vi.fn(async () => ({ ok: true as const })), runAll: vi.fn(async () => ({ ok: true as const })) };
}

describe('remembered secrets', () => {
  it('saves the GitHub token set through the engine, but not the Grafana password', async () => {
    const vault = createSecretVault({ dataDir, safeStorage: fakeSafeStorage() });
    const backend = fakeBackend();
    const wrapped = withRememberedSecrets(backend as unknown as LabBackend, vault);
    await wrapped.setSecret({ name: 'GITHUB_TOKEN', value: TOKEN });
    await wrapped.setSecret({ name: 'GRAFANA_ADMIN_PASSWORD', value: 'pw-123456' });
    await wrapped.runAll({});
    expect(backend.setSecret).toHaveBeenCalledTimes(2);
    expect(backend.runAll).toHaveBeenCalledTimes(1);
    expect(await readdir(join(dataDir, 'secrets'))).toEqual(['GITHUB_TOKEN.enc']);
    await expect(vault.load('GITHUB_TOKEN')).resolves.toBe(TOKEN);
  });

  it('does not save a secret the engine refused', async () => {
    const vault = createSecretVault({ dataDir, safeStorage: fakeSafeStorage() });
    const backend = fakeBackend();
    backend.setSecret.mockRejectedValueOnce(new Error('refused'));
    const wrapped = withRememberedSecrets(backend as unknown as LabBackend, vault);
    await expect(wrapped.setSecret({ name: 'GITHUB_TOKEN', value: TOKEN })).rejects.toThrow('refused');
    await expect(vault.load('GITHUB_TOKEN')).resolves.toBeUndefined();
  });

  it('hands the saved token back to a fresh engine at start-up', async () => {
    const vault = createSecretVault({ dataDir, safeStorage: fakeSafeStorage() });
    const backend = fakeBackend();
    await expect(restoreRememberedSecrets(backend as unknown as LabBackend, vault)).resolves.toEqual([]);
    expect(backend.setSecret).not.toHaveBeenCalled();
    await vault.save('GITHUB_TOKEN', TOKEN);
    await expect(restoreRememberedSecrets(backend as unknown as LabBackend, vault)).resolves.toEqual(['GITHUB_TOKEN']);
    expect(backend.setSecret).toHaveBeenCalledExactlyOnceWith({ name: 'GITHUB_TOKEN', value: TOKEN });
  });
});
