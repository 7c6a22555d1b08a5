// A fresh Tandem for each test: its own data folder (so the first-run seed), its own port,
// and the `tandem server …` CLI bound to that folder (the seed's PowerShell).
import { test as base, expect, Browser, BrowserContext, Page } from '@playwright/test';
import { spawn, execFileSync, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const targetDir = process.env.CARGO_TARGET_DIR || path.join(root, 'target');
export const BIN = process.env.TANDEM_BIN || path.join(targetDir, 'debug', 'tandem');
const SITE = process.env.TANDEM_SITE_ROOT || path.join(root, 'site');

export const ADMIN_PASSWORD = 'e2e admin password';

export interface Tandem {
  url: string;
  dataDir: string;
  /** Runs `tandem server <args…>` against this instance's built-in servers. */
  cli: (...args: string[]) => string;
  /** Runs `tandem user <args…>` against this instance's database. */
  users: (...args: string[]) => string;
  /** The IPAddress column of `reservation list` on one server. */
  reservations: (server: string) => string[];
}

/** The environment every Tandem of the browser tests runs with. */
export function tandemEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NO_COLOR: '1',
    RUST_LOG: 'info',
    TANDEM_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // Failover and drift in seconds, not minutes, so that journeys finish quickly.
    TANDEM_FAILOVER_HEARTBEAT_MS: '200',
    TANDEM_FAILOVER_TIMEOUT_MS: '1000',
    TANDEM_DRIFT_INTERVAL_SECS: '1',
  };
}

async function start(dataDir: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(BIN, ['--data-dir', dataDir, '--addr', '127.0.0.1:0', '--site-root', SITE], {
    env: tandemEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tandem did not start:\n${log}`)), 20_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const m = log.match(/serving on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`tandem exited with ${code}:\n${log}`)));
  });
  return { proc, url };
}

export const test = base.extend<{ tandem: Tandem }>({
  // Any script error or failed hydration in the browser fails the test. A refused server
  // function answers with an error status, which Chromium logs as a failed resource: that one
  // is expected, the page shows the refusal.
  // Signed in as the first administrator, unless a test signs in itself.
  page: async ({ page, tandem }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });
    await signIn(page, tandem.url, 'admin', ADMIN_PASSWORD);
    await use(page);
    expect(errors, 'errors in the browser console').toEqual([]);
  },

  tandem: async ({}, use) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-e2e-'));
    const { proc, url } = await start(dataDir);
    const cli = (...args: string[]) =>
      execFileSync(BIN, ['--data-dir', dataDir, 'server', ...args], { encoding: 'utf8' });
    const reservations = (server: string) =>
      cli(server, 'reservation', 'list', '--scope', '10.0.0.0')
        .split('\n')
        .slice(2)
        .map((line) => line.split(/\s+/)[0])
        .filter((ip) => ip);
    const users = (...args: string[]) =>
      execFileSync(BIN, ['--data-dir', dataDir, 'user', ...args], { encoding: 'utf8' });
    await use({ url, dataDir, cli, users, reservations });
    proc.kill('SIGINT');
    fs.rmSync(dataDir, { recursive: true, force: true });
  },
});

/** Signs in through the sign-in page and waits for the portal. */
export async function signIn(page: Page, url: string, username: string, password: string) {
  await page.goto(url + '/sign-in');
  await page.waitForSelector('body[data-hydrated="true"]');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/sign-in')), page.click('form.sign-in button[type="submit"]')]);
  await page.waitForSelector('body[data-hydrated="true"]');
}

/** Opens a page of the portal and waits until it has hydrated, so clicks are heard. */
export async function open(page: Page, url: string) {
  await page.goto(url);
  await page.waitForSelector('body[data-hydrated="true"]');
}

export async function shoot(page: Page, name: string) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.screenshot({ path: path.join(__dirname, '..', 'test-results', 'screenshots', `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** A new browser context with JavaScript off (at `viewport`, a phone's by default), signed in
 * as the administrator through the sign-in form. */
export async function signedInWithoutJavaScript(
  browser: Browser,
  url: string,
  viewport = { width: 390, height: 844 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport });
  const page = await context.newPage();
  await page.goto(url + '/sign-in');
  await page.fill('#username', 'admin');
  await page.fill('#password', ADMIN_PASSWORD);
  await page.click('form.sign-in button[type="submit"]');
  await expect(page.locator('form.sign-in')).toHaveCount(0);
  return { context, page };
}

export { expect };
