// Two Tandem instances on one PostgreSQL database behind a real load balancer (Debian's
// haproxy), all on loopback: instance a hosts the built-in servers, b reaches them. A change
// made through one instance reaches a page served by the other within a second; one drift
// watch runs, and the other instance takes it over when its holder is killed; two instances
// writing one Kea 2.2 server at once (config-set, read-modify-write) lose no edit, and two
// edits of one reservation through both give one success and one conflict; a browser signed in
// through the balancer keeps working when an instance is killed.
import { test, expect, Page, APIRequestContext } from '@playwright/test';
import { spawn, execFileSync, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { BIN, ADMIN_PASSWORD, signIn, open, shoot, tandemEnv } from './fixtures';

const root = path.resolve(__dirname, '..', '..');
const SITE = process.env.TANDEM_SITE_ROOT || path.join(root, 'site');
const HAPROXY = '/usr/sbin/haproxy';
const KEA = '/usr/sbin/kea-dhcp4';
const KEA_PAIR = path.join(root, 'scripts', 'kea-pair.sh');
const KEA_PORT = 18121;
const KEA_NAMES = ['kea1.tandem.local', 'kea2.tandem.local'];
const KEA_URLS = [`http://127.0.0.1:${KEA_PORT}/`, `http://127.0.0.1:${KEA_PORT + 1}/`];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

interface Instance {
  name: string;
  url: string;
  proc: ChildProcess;
  log: () => string;
}

async function startInstance(name: string, dataDir: string, database: string, builtin: 'host' | 'remote'): Promise<Instance> {
  const port = await freePort();
  const proc = spawn(
    BIN,
    ['--data-dir', dataDir, '--database-url', database, '--addr', `127.0.0.1:${port}`, '--site-root', SITE, '--builtin', builtin, '--instance-name', name],
    { env: tandemEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance ${name} did not start:\n${log}`)), 30_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Tandem is serving on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`instance ${name} exited with ${code}:\n${log}`)));
  });
  return { name, url: `http://127.0.0.1:${port}`, proc, log: () => log };
}

async function startBalancer(dir: string, backends: Instance[]): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const config = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(
    config,
    [
      'defaults',
      '  mode http',
      '  timeout connect 1s',
      '  timeout client 60s',
      '  timeout server 60s',
      // A request sent to an instance that has just died goes to the other one.
      '  option redispatch',
      '  retries 3',
      '  retry-on conn-failure empty-response response-timeout',
      'frontend portal',
      `  bind 127.0.0.1:${port}`,
      '  default_backend tandem',
      'backend tandem',
      '  balance roundrobin',
      '  option httpchk GET /health',
      '  http-check expect status 200',
      '  default-server inter 500ms fall 2 rise 2',
      ...backends.map((b) => `  server ${b.name} ${b.url.replace('http://', '')} check`),
      '',
    ].join('\n'),
  );
  const proc = spawn(HAPROXY, ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url + '/health')).ok) return { url, proc };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('haproxy did not start');
}

async function health(url: string) {
  return (await (await fetch(url + '/health')).json()) as { ok: boolean; instance: string; checks: { name: string; detail: string }[] };
}

function watchDetail(h: Awaited<ReturnType<typeof health>>): string {
  return h.checks.find((c) => c.name === 'drift_watch')?.detail ?? '';
}

test('two instances on PostgreSQL behind haproxy: live refresh, one watch, no lost edit, one instance killed', async ({ browser }) => {
  if (!fs.existsSync(HAPROXY)) {
    console.warn('\n*** SKIPPED: haproxy is not here; make test installs it (scripts/setup.sh --test) ***\n');
    test.skip();
    return;
  }
  let database = '';
  try {
    database = execFileSync(path.join(root, 'scripts', 'test-postgres.sh'), ['tandem_cluster'], { encoding: 'utf8' }).trim();
  } catch (e) {
    throw new Error(`PostgreSQL could not be prepared: ${e}`);
  }
  if (!database) {
    console.warn('\n*** SKIPPED: PostgreSQL is not here ***\n');
    test.skip();
    return;
  }
  test.setTimeout(240_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-cluster-'));
  const dataDir = path.join(dir, 'data');
  const running: ChildProcess[] = [];
  const keaEnv = { ...process.env, KEA_PAIR_KEA: '2.2', KEA_PAIR_PORT: String(KEA_PORT), KEA_PAIR_HEARTBEAT_MS: '1000', KEA_PAIR_REGISTER: '0' };
  let keaStarted = false;
  try {
    // a first: it hosts the built-in servers, seeds the first run, and takes the watch.
    const a = await startInstance('a', dataDir, database, 'host');
    running.push(a.proc);
    await expect.poll(async () => watchDetail(await health(a.url)), { timeout: 10_000 }).toContain('on a');
    const b = await startInstance('b', dataDir, database, 'remote');
    running.push(b.proc);
    const lb = await startBalancer(dir, [a, b]);
    running.push(lb.proc);

    // Exactly one watch: a's passes, seen from both instances for a few seconds; b never
    // said it runs it.
    for (let i = 0; i < 3; i++) {
      for (const instance of [a, b]) {
        const h = await health(instance.url);
        expect(h.ok, JSON.stringify(h)).toBe(true);
        expect(watchDetail(h)).toContain('on a ');
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(b.log()).not.toContain('this instance runs the drift watch');

    // Signed in through the balancer; a token for the API calls below.
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, lb.url, 'admin', ADMIN_PASSWORD);
    const made = await page.request.post(lb.url + '/api/v1/tokens', { headers: { Origin: lb.url }, data: { name: 'cluster test' } });
    expect(made.status(), await made.text()).toBe(201);
    const token = (await made.json()).token as string;
    const api = (request: APIRequestContext, base: string) => ({
      get: (p: string) => request.get(base + '/api/v1' + p, { headers: { Authorization: `Bearer ${token}` } }),
      post: (p: string, data: unknown) => request.post(base + '/api/v1' + p, { headers: { Authorization: `Bearer ${token}` }, data }),
      put: (p: string, data: unknown, etag: string) =>
        request.put(base + '/api/v1' + p, { headers: { Authorization: `Bearer ${token}`, 'If-Match': etag }, data }),
    });
    const viaA = api(page.request, a.url);
    const viaB = api(page.request, b.url);

    // Live refresh across instances: a page served by b shows a change made through a.
    const pageB = await context.newPage();
    pageB.on('pageerror', (e) => errors.push(e.message));
    const scopePath = '/servers/dhcp1.contoso.com/scopes/10.0.0.0';
    await open(pageB, b.url + scopePath);
    const created = await viaA.post(scopePath + '/reservations', { ip_address: '10.0.0.151', client_id: '00-15-5d-a7-66-51', name: 'made-through-a' });
    expect(created.status(), await created.text()).toBe(201);
    const madeAt = Date.now();
    await expect(pageB.locator('tr[data-ip="10.0.0.151"]')).toBeVisible({ timeout: 1000 });
    console.log(`cluster: a change through a shown on b's page after ${Date.now() - madeAt} ms`);
    await shoot(pageB, '60-cluster-live-refresh-on-b');

    // One reservation edited through both at once, from the same version: one wins.
    const current = await viaA.get(scopePath + '/reservations/10.0.0.151');
    const etag = current.headers()['etag'];
    const body = { ip_address: '10.0.0.151', client_id: '00-15-5d-a7-66-51', name: 'edited' };
    const answers = await Promise.all([
      viaA.put(scopePath + '/reservations/10.0.0.151', { ...body, name: 'edited-through-a' }, etag),
      viaB.put(scopePath + '/reservations/10.0.0.151', { ...body, name: 'edited-through-b' }, etag),
    ]);
    // The loser's version is stale: 412 Precondition Failed.
    expect(answers.map((r) => r.status()).sort()).toEqual([200, 412]);

    // Two instances writing one Kea 2.2 server at once (each write reads the configuration,
    // changes it and sets it whole): every edit is on both Kea servers afterwards.
    if (fs.existsSync(KEA)) {
      const keaData = path.join(dir, 'kea');
      fs.mkdirSync(keaData);
      execFileSync(KEA_PAIR, ['start', keaData], { env: keaEnv, stdio: 'inherit' });
      keaStarted = true;
      for (const [i, name] of KEA_NAMES.entries()) {
        const added = await viaA.post('/servers', { name, url: KEA_URLS[i] });
        expect(added.status(), await added.text()).toBe(201);
      }
      const keaScope = `/servers/${KEA_NAMES[0]}/scopes/192.168.50.0/reservations`;
      const writes = [0, 1, 2, 3, 4, 5].map((i) =>
        (i % 2 === 0 ? viaA : viaB).post(keaScope, {
          ip_address: `192.168.50.${40 + i}`,
          client_id: `52-54-00-aa-bb-${(0x40 + i).toString(16)}`,
          name: `through-${i % 2 === 0 ? 'a' : 'b'}-${i}`,
        }),
      );
      const statuses = await Promise.all(writes.map(async (w) => {
        const r = await w;
        return `${r.status()} ${r.status() === 201 ? '' : await r.text()}`.trim();
      }));
      expect(statuses).toEqual(Array(6).fill('201'));
      for (const url of KEA_URLS) {
        const answer = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ command: 'config-get', service: ['dhcp4'] }),
        });
        const [first] = await answer.json();
        const ips = first.arguments.Dhcp4.subnet4[0].reservations.map((r: { 'ip-address': string }) => r['ip-address']);
        for (let i = 0; i < 6; i++) expect(ips, url).toContain(`192.168.50.${40 + i}`);
      }
    } else {
      console.warn('\n*** SKIPPED (this part): Kea 2.2 is not here ***\n');
    }

    // a is killed: the browser, signed in through the balancer, goes on (b answers); b
    // takes the watch over within an interval (the built-in servers a hosted are now
    // unreachable, and b's watch says so).
    a.proc.kill('SIGKILL');
    await expect.poll(async () => watchDetail(await health(b.url)), { timeout: 5_000 }).toContain('on b ');
    expect(b.log()).toContain('this instance runs the drift watch');
    await expect
      .poll(async () => {
        await open(page, lb.url + '/');
        return page.locator('#tile-unreachable .count').textContent();
      }, { timeout: 15_000 })
      .toBe('2');
    await open(page, lb.url + '/scopes');
    await expect(page.locator('h1')).toBeVisible();
    await expect(page).not.toHaveURL(/sign-in/);
    await shoot(page, '61-cluster-after-a-killed');
    expect(errors, 'errors in the browser console').toEqual([]);
    await context.close();
  } finally {
    for (const p of running) p.kill('SIGKILL');
    if (keaStarted) execFileSync(KEA_PAIR, ['stop', path.join(dir, 'kea')], { env: keaEnv, stdio: 'inherit' });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
