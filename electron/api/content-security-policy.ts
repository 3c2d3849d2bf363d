/**
 * The page's Content-Security-Policy, one text for every host: the Electron window (response
 * header of its app:// protocol and the dev server) and the web host send exactly this, so the
 * UI runs under the same rules wherever it is shown. `renderer/index.html` repeats it in a meta tag
 * (a test keeps the copies equal).
 *
 * 'unsafe-inline' for styles only: xterm.js injects `<style>` elements at run time and has no nonce
 * option. Inline styles cannot run code; `connect-src`/`img-src 'self'` keep injected CSS from
 * reaching other hosts. Scripts are 'self' only, with no 'unsafe-eval'.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
