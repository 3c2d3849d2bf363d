import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { parse } from 'yaml';
import Ajv from 'ajv';

const root = join(__dirname, '../..');
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, any>;

describe('electron-builder.yml', () => {
  it('is valid against the schema of the installed electron-builder (so every key name is real)', () => {
    const schemaPath = createRequire(join(root, 'package.json')).resolve('app-builder-lib/scheme.json');
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
    expect(validate(config), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it.each([
    ['runAsNode', false],
    ['enableNodeOptionsEnvironmentVariable', false],
    ['enableNodeCliInspectArguments', false],
    ['enableCookieEncryption', true],
    ['onlyLoadAppFromAsar', true],
    ['enableEmbeddedAsarIntegrityValidation', true],
    ['grantFileProtocolExtraPrivileges', false],
  ])('sets the %s fuse to exactly %s', (fuse, value) => {
    expect(config.electronFuses).toBeTypeOf('object');
    expect(Object.prototype.hasOwnProperty.call(config.electronFuses, fuse)).toBe(true);
    expect(config.electronFuses[fuse]).toBe(value);
  });

  it('identifies the app and packs it into an asar with the pinned Electron', () => {
    expect(config.appId).toBe('io.gitopslab.app');
    expect(config.productName).toBe('GitOps Lab');
    expect(config.asar).toBe(true);
    expect(config.electronVersion).toBe(pkg.optionalDependencies.electron);
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(config.files.some((f: string) => f.startsWith('assets'))).toBe(true);
    // The packaged app starts from the bundled main process.
    expect(pkg.main).toBe('out/main/index.cjs');
  });

  it('builds AppImage and deb on Linux, a hardened dmg on macOS and nsis on Windows', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('Development');
    expect(config.mac.target).toBe('dmg');
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.win.target).toBe('nsis');
  });

  it('points at a 512x512 PNG icon that exists, with its SVG source beside it', () => {
    const png = readFileSync(join(root, config.icon));
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    expect(readFileSync(join(root, 'assets/icon.svg'), 'utf8')).toMatch(/<svg[^>]+viewBox="0 0 512 512"/);
  });
});
