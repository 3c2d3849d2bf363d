import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appSchemePrivileges, resolveAppFile, serveAppRequest } from '../../electron/main/app-protocol';
import { contentSecurityPolicy } from '../../electron/main/security';

let root: string;
let rendererDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lab-app-protocol-'));
  rendererDir = join(root, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>GitOps Lab</title>');
  await writeFile(join(rendererDir, 'assets', 'index-abc.js'), 'export const x = 1;');
  await writeFile(join(rendererDir, 'assets', 'index-abc.css'), 'body{}');
  await writeFile(join(root, 'secret.txt'), 'TOP SECRET');
  await mkdir(join(root, 'renderer-evil'));
  await writeFile(join(root, 'renderer-evil', 'index.html'), 'TOP SECRET');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const get = (url: string, method = 'GET') => serveAppRequest({ url, method }, rendererDir);

describe('serveAppRequest', () => {
  it('serves the page with the CSP header, its type and nosniff', async () => {
    for (const url of ['app://gitops-lab/index.html', 'app://gitops-lab/', 'app://gitops-lab/index.html?x=1#/step']) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(await response.text()).toBe('<!doctype html><title>GitOps Lab</title>');
      expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy());
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('serves module scripts as JavaScript, which module loading requires, and styles as CSS', async () => {
    const script = await get('app://gitops-lab/assets/index-abc.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('export const x = 1;');
    expect((await get('app://gitops-lab/assets/index-abc.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it.each([
    'app://gitops-lab/../secret.txt',
    'app://gitops-lab/%2e%2e/secret.txt',
    'app://gitops-lab/assets/%2e%2e/%2e%2e/secret.txt',
    'app://gitops-lab/..%2Fsecret.txt',
    'app://gitops-lab/..%2fsecret.txt',
    'app://gitops-lab/..%5Csecret.txt',
    'app://gitops-lab/%00index.html',
    'app://gitops-lab/../renderer-evil/index.html',
    'app://gitops-lab/%2e%2e/renderer-evil/index.html',
    'app://evil/index.html',
    'app://gitops-lab:80/index.html',
    'app://u:p@gitops-lab/index.html',
    'file:///etc/passwd',
    'app://gitops-lab/missing.js',
    'app://gitops-lab/assets',
    'app://gitops-lab/%E0%A4%A',
  ])('answers 404 and never a file outside the renderer dir for %s', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('TOP SECRET');
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('app://gitops-lab/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await get('app://gitops-lab/index.html', 'POST')).status).toBe(405);
  });

  it('resolves only paths inside the renderer dir', () => {
    expect(resolveAppFile('app://gitops-lab/assets/index-abc.js', rendererDir)).toBe(join(rendererDir, 'assets', 'index-abc.js'));
    expect(resolveAppFile('app://gitops-lab/', rendererDir)).toBe(join(rendererDir, 'index.html'));
    // URL parsing clamps dot segments at the root, so an escape attempt names a file inside it.
    expect(resolveAppFile('app://gitops-lab/%2e%2e/secret.txt', rendererDir)).toBe(join(rendererDir, 'secret.txt'));
    expect(resolveAppFile('app://gitops-lab/..%2Fsecret.txt', rendererDir)).toBeUndefined();
    expect(resolveAppFile('app://other/index.html', rendererDir)).toBeUndefined();
  });
});

describe('appSchemePrivileges', () => {
  it('makes the scheme standard and secure and grants nothing else', () => {
    expect(appSchemePrivileges).toEqual({ standard: true, secure: true });
  });
});
