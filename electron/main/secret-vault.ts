/**
 * Remembers secrets (the GitHub token) between runs of the app, encrypted with the operating
 * system's key store through Electron's safeStorage. When the OS offers no real encryption the
 * vault refuses to write and says so: the secret then lives in memory for this run only, because
 * a token on disk in plain text (or under Chromium's fixed `basic_text` key, which is the same
 * thing) is worse than asking for it again.
 *
 * safeStorage is injected, so this runs and is tested without Electron.
 */
import { mkdir, readFile, rename, rm, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { LabBackend } from '../api/dispatch';

/** The part of Electron's safeStorage the vault uses. */
export type SafeStorageLike = {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron; absent elsewhere. */
  getSelectedStorageBackend?(): string;
};

export type SaveOutcome = { persisted: true } | { persisted: false; reason: string };

export type SecretVault = {
  /** Why secrets cannot be persisted on this machine, or undefined when they can. */
  unavailableReason(): string | undefined;
  save(name: string, value: string): Promise<SaveOutcome>;
  load(name: string): Promise<string | undefined>;
  remove(name: string): Promise<void>;
};

/** Secret names double as file names; this keeps them from naming any other path. */
const SECRET_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

function checkName(name: string): void {
  if (!SECRET_NAME.test(name)) throw new Error(`not a secret name: ${JSON.stringify(name)}`);
}

export function createSecretVault(options: {
  dataDir: string;
  safeStorage: SafeStorageLike;
  log?: (message: string) => void;
}): SecretVault {
  const { safeStorage } = options;
  const log = options.log ?? (() => {});
  const dir = join(options.dataDir, 'secrets');
  const fileOf = (name: string) => join(dir, `${name}.enc`);

  function unavailableReason(): string | undefined {
    if (!safeStorage.isEncryptionAvailable()) {
      return 'the operating system offers no encrypted storage to this app, so secrets are kept in memory for this session only';
    }
    if (safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
      return 'no password manager (GNOME Keyring, KWallet) is running, so secrets are kept in memory for this session only';
    }
    return undefined;
  }

  return {
    unavailableReason,

    async save(name, value) {
      checkName(name);
      const reason = unavailableReason();
      if (reason) {
        log(`not saving ${name}: ${reason}`);
        return { persisted: false, reason };
      }
      const encrypted = safeStorage.encryptString(value);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      // A fresh file renamed into place: created 0600 from the start (never briefly readable
      // by others) and a crash mid-write leaves the previous secret intact.
      const temp = `${fileOf(name)}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(temp, encrypted, { mode: 0o600, flag: 'wx' });
        await chmod(temp, 0o600);
        await rename(temp, fileOf(name));
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return { persisted: true };
    },

    async load(name) {
      checkName(name);
      if (unavailableReason()) return undefined;
      let encrypted: Buffer;
      try {
        encrypted = await readFile(fileOf(name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      try {
        return safeStorage.decryptString(encrypted);
      } catch (error) {
        // A key store reset (new login keyring, another user) makes old files undecryptable;
        // asking for the token again is the only remedy, so forget the file.
        log(`forgetting ${name}: it can no longer be decrypted (${(error as Error).message})`);
        await rm(fileOf(name), { force: true });
        return undefined;
      }
    },

    async remove(name) {
      checkName(name);
      await rm(fileOf(name), { force: true });
    },
  };
}

/** Secrets worth remembering between runs; the Grafana password is per lab and cheap to retype. */
export const rememberedSecrets = ['GITHUB_TOKEN'] as const;

/**
 * Wraps the engine so a remembered secret set through the LabApi is also saved in the vault.
 * The engine keeps the secret either way; a refusal to persist is logged, not an error.
 */
export function withRememberedSecrets<B extends LabBackend>(backend: B, vault: SecretVault): B {
  const setSecret: LabBackend['setSecret'] = async (params) => {
    const result = await backend.setSecret(params);
    if ((rememberedSecrets as readonly string[]).includes(params.name)) await vault.save(params.name, params.value);
    return result;
  };
  return new Proxy(backend, {
    get(target, key, receiver) {
      if (key === 'setSecret') return setSecret;
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Hands remembered secrets back to the engine at start-up. */
export async function restoreRememberedSecrets(backend: LabBackend, vault: SecretVault): Promise<string[]> {
  const restored: string[] = [];
  for (const name of rememberedSecrets) {
    const value = await vault.load(name);
    if (value === undefined) continue;
    await backend.setSecret({ name, value });
    restored.push(name);
  }
  return restored;
}
