/**
 * `lab serve --open`: hands the URL to the desktop's default browser. Each platform's opener
 * takes the URL as one argument (no shell), and a missing opener only costs a message, since
 * the URL is printed anyway.
 */
import { spawn } from 'node:child_process';

export function openerFor(platform: NodeJS.Platform, url: string): string[] {
  if (platform === 'darwin') return ['open', url];
  // rundll32 avoids `cmd /c start`, whose command line would parse the URL's characters.
  if (platform === 'win32') return ['rundll32', 'url.dll,FileProtocolHandler', url];
  return ['xdg-open', url];
}

export function openBrowser(url: string, onError: (message: string) => void): void {
  const [command, ...args] = openerFor(process.platform, url);
  const child = spawn(command!, args, { detached: true, stdio: 'ignore' });
  child.on('error', (error) => onError(`could not open a browser (${error.message}); open the URL yourself`));
  child.unref();
}
