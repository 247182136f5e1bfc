/**
 * Finds a Chromium for the browser tests: PUPPETEER_EXECUTABLE_PATH, else /usr/bin/chromium
 * (or chromium-browser / google-chrome); when none and we are root with apt-get, installs
 * Debian's `chromium` package; otherwise throws a message saying exactly what to install.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import type { Browser } from 'puppeteer-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

let installing: string | undefined;

export function findChromium(): string {
  const fromEnv = process.env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`PUPPETEER_EXECUTABLE_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  if (installing) return installing;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (root && hasApt) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
    if (r.status === 0 && existsSync('/usr/bin/chromium')) return (installing = '/usr/bin/chromium');
    throw new Error('apt-get install -y chromium failed; install Chromium yourself or set PUPPETEER_EXECUTABLE_PATH');
  }
  throw new Error(
    'Chromium not found for the browser tests. Install it (Debian/Ubuntu: `sudo apt-get install -y chromium`) ' +
      'or set PUPPETEER_EXECUTABLE_PATH=/path/to/chrome. Looked at: ' + CANDIDATES.join(', '),
  );
}

/** Launches headless Chromium with the flags that work in containers. */
export async function launchChromium(): Promise<Browser> {
  const { default: puppeteer } = await import('puppeteer-core');
  return puppeteer.launch({
    executablePath: findChromium(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage', '--headless'],
  });
}
