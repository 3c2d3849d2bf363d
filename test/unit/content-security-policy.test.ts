import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../electron/api/content-security-policy';

describe('the page policy', () => {
  // Browsers ignore frame-ancestors in a meta tag (and log an error about it), so the page's
  // copy is the policy without it; the hosts send the full policy as a header.
  it('is repeated in renderer/index.html, less the header-only frame-ancestors', () => {
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/s.exec(html);
    const headerOnly = CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');
    expect(meta?.[1]?.replace(/\s+/g, ' ').trim()).toBe(headerOnly);
  });

  it('allows scripts from the app only, never eval', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }));
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });
});
