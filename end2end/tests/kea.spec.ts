// Real ISC Kea pairs in the browser, Kea 2.2 and Kea 3.0: registered through Add Kea Server
// (refused by field first), the write method each server offers shown on Server Properties,
// the HA relationship read and shown raw and mapped, a LoadBalancePercent Kea cannot express
// refused, a partner put in maintenance and back, and a reservation made in the portal (outside
// the pool, as Kea recommends) found on both Kea servers by asking each one directly; a shared
// network added behind Tandem's back listed with its name (1280 and 390 px), and a
// reservation made in its scope found in the network on both servers.
import { test, expect, open, shoot, signedInWithoutJavaScript } from './fixtures';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const KEA = '/usr/sbin/kea-dhcp4';
const KEA3_ROOT = process.env.TANDEM_KEA3_ROOT || path.join(os.homedir(), '.cache', 'tandem', 'kea3-root');
const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'kea-pair.sh');
const NAMES = ['kea1.tandem.local', 'kea2.tandem.local'];
const VERSIONS = [
  { version: '2.2', port: 18101, present: () => fs.existsSync(KEA), writes: 'config-set for every change, one partner at a time' },
  {
    version: '3',
    port: 18111,
    present: () => fs.existsSync(path.join(KEA3_ROOT, '.tandem-complete')),
    writes: 'reservations by reservation-add/update/del in memory, then config-write',
  },
];

async function command(url: string, name: string, args?: unknown) {
  const answer = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ command: name, service: ['dhcp4'], ...(args ? { arguments: args } : {}) }),
  });
  const [first] = await answer.json();
  return first;
}

async function configGet(url: string) {
  return (await command(url, 'config-get')).arguments.Dhcp4;
}

/** Waits until both servers serve again (HA restarts on a config-set). */
async function serving(urls: string[]) {
  for (const url of urls) {
    await expect
      .poll(async () => (await command(url, 'ha-heartbeat'))?.arguments?.state, { timeout: 30_000 })
      .toBe('load-balancing');
  }
}

for (const { version, port, present, writes } of VERSIONS) {
test(`Kea ${version}: register a pair, maintain a partner, replicate a reservation and a scope edit to both`, async ({ page, browser, tandem }) => {
  if (!present()) {
    console.warn(`\n*** SKIPPED: Kea ${version} is not here; make test prepares it (scripts/setup.sh --test, scripts/kea3-root.sh) ***\n`);
    test.skip();
    return;
  }
  test.setTimeout(180_000);
  const URLS = [`http://127.0.0.1:${port}/`, `http://127.0.0.1:${port + 1}/`];
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-kea-'));
  const env = {
    ...process.env,
    KEA_PAIR_KEA: version,
    KEA_PAIR_PORT: String(port),
    KEA_PAIR_HEARTBEAT_MS: '1000',
    KEA_PAIR_REGISTER: '0',
  };
  execFileSync(SCRIPT, ['start', data], { env, stdio: 'inherit' });
  try {
    await open(page, tandem.url + '/servers');
    await page.click('#add-kea-server');
    const dialog = page.locator('form[aria-label="Add Kea Server"]');
    await dialog.locator('#name').fill(NAMES[0]);
    await dialog.locator('#url').fill('ftp://127.0.0.1/');
    await dialog.locator('button[type="submit"]').click();
    await expect(dialog.locator('[data-error-for="url"]')).toContainText("control channel's URL");
    await dialog.locator('#name').fill('other.tandem.local');
    await dialog.locator('#url').fill(URLS[0]);
    await dialog.locator('button[type="submit"]').click();
    await expect(dialog.locator('[data-error-for="name"]')).toContainText(`is ${NAMES[0]} in its HA configuration`);
    await expect(dialog.locator('[data-error-for="url"]')).toBeEmpty();
    if (version === '2.2') await shoot(page, '40-add-kea-server-refused');
    for (const [i, name] of NAMES.entries()) {
      if (i > 0) await page.click('#add-kea-server');
      await dialog.locator('#name').fill(name);
      await dialog.locator('#url').fill(URLS[i]);
      await dialog.locator('button[type="submit"]').click();
      await expect(page.locator('.notice-done')).toContainText('Kea server registered: 1 scope(s)');
      await expect(page.locator(`tr[data-server="${name}"] td[data-label="Kind"]`)).toHaveText('Kea');
    }
    // Server Properties: how Tandem writes this server, found from what it offers.
    await open(page, `${tandem.url}/servers/${NAMES[0]}`);
    await expect(page.locator('#write-method')).toContainText(`Kea ${version}`);
    await expect(page.locator('#write-method')).toContainText(writes);
    await shoot(page, `43-kea-${version}-server-properties`);

    // The HA relationship: mapped state and Kea's own word for it.
    await open(page, tandem.url + '/relationships');
    const pair = page.locator(`tr[data-relationship="${NAMES[0]}-${NAMES[1]}"]`);
    await expect(pair.locator('[data-status="primary"]')).toHaveText('Normal (load-balancing)', { timeout: 20_000 });
    await expect(pair.locator('[data-status="secondary"]')).toHaveText('Normal (load-balancing)', { timeout: 20_000 });
    await expect(pair.locator('button[data-action="partner-down"]')).toHaveCount(0);

    // Kea splits load 50/50 only: refused on the field, nothing changed.
    await pair.locator('a', { hasText: 'Edit' }).click();
    await page.fill('#load_balance_percent', '70');
    await page.click('form.dialog button[type="submit"]');
    await expect(page.locator('[data-error-for="load_balance_percent"]')).toContainText('not supported by Kea');
    await page.locator('form.dialog a', { hasText: 'Cancel' }).click();

    // kea2 in maintenance: kea1 serves everyone; then back.
    await pair.locator('button[data-action="maintenance-start"]', { hasText: 'Maintain secondary' }).click();
    await expect(page.locator('.notice-done')).toContainText('Done');
    await open(page, tandem.url + '/relationships');
    await expect(pair.locator('[data-status="primary"]')).toContainText('partner-in-maintenance', { timeout: 10_000 });
    await expect(pair.locator('[data-status="secondary"]')).toContainText('in-maintenance');
    if (version === '2.2') await shoot(page, '41-kea-maintenance');
    await pair.locator('button[data-action="maintenance-end"]').click();
    await expect(page.locator('.notice-done')).toContainText('Done');
    await open(page, tandem.url + '/relationships');
    await expect(pair.locator('[data-status="primary"]')).toHaveText('Normal (load-balancing)', { timeout: 30_000 });

    // A reservation made in the portal on kea1 is on both Kea servers, asked directly.
    await open(page, `${tandem.url}/servers/${NAMES[0]}/scopes/192.168.50.0`);
    await page.click('#create-reservation');
    await page.fill('#ip_address', '192.168.50.30');
    await page.fill('#client_id', '52-54-00-aa-bb-cc');
    await page.fill('#name', 'badge-reader');
    await page.click('form.dialog button[type="submit"]');
    if (version === '2.2') {
      // Written one partner at a time: each wait for a server's HA service is shown while it
      // lasts (kea1's may be over within a second: then kea2's is the one seen).
      await expect(page.locator('#progress')).toContainText(
        new RegExp(`${NAMES[0]} is written; waiting|${NAMES[1]} is written too; waiting`),
      );
    }
    await expect(page.locator('.notice-done')).toContainText(`replicated to ${NAMES[1]}`);
    await expect(page.locator('#progress')).toBeHidden();
    await shoot(page, `42-kea-${version}-scope-properties`);
    for (const url of URLS) {
      const config = await configGet(url);
      const ips = config.subnet4[0].reservations.map((r) => r['ip-address']);
      expect(ips).toContain('192.168.50.30');
    }

    // A scope edit in the portal: the new name on both Kea servers, the reservations kept.
    await open(page, `${tandem.url}/servers/${NAMES[0]}/scopes/192.168.50.0`);
    await page.click('#edit-scope');
    await page.fill('#name', 'Badge readers');
    await page.locator('form.dialog button[type="submit"]').click();
    await expect(page.locator('.notice-done')).toContainText('Scope saved');
    await expect(page.locator('.notice-done')).toContainText(NAMES[1]);
    await expect(page.locator('#scope-name')).toHaveText('Badge readers');
    for (const url of URLS) {
      const config = await configGet(url);
      expect(config.subnet4[0]['user-context'].name).toBe('Badge readers');
      expect(config.subnet4[0].reservations.map((r) => r['ip-address'])).toContain('192.168.50.30');
    }

    // A shared network (Windows: a superscope) put on both servers behind Tandem's back, as
    // an operator writes Kea: its subnet is a scope like any other, named with its network.
    for (const url of URLS) {
      const config = await configGet(url);
      config['shared-networks'] = [{
        name: 'floor-2',
        relay: { 'ip-addresses': ['10.2.0.1'] },
        // Two pools, the second for PXE clients with an option of its own.
        // Options of its own, a scope option of a type no plain kind holds (a list of
        // names, sent whether asked or not), and a reservation without an address (it
        // classifies its client; the pool gives the address), as Kea's classify.json has.
        'option-data': [{ name: 'domain-name-servers', data: '10.2.0.53' }],
        subnet4: [{ id: 21, subnet: '10.2.0.0/24', pools: [
          { pool: '10.2.0.10-10.2.0.99' },
          { pool: '10.2.0.100-10.2.0.200', 'client-class': 'pxe',
            'option-data': [{ name: 'tftp-server-name', data: 'boot.floor2.example.org' }] },
        ],
        'option-data': [{ name: 'domain-search', data: 'floor2.example.org, example.org', 'always-send': true }],
        reservations: [{ 'hw-address': '52:54:00:00:02:01', 'client-classes': ['pxe'] }] }],
      }];
      // And a client class, as Kea's classify.json writes one.
      config['client-classes'] = [{
        name: 'pxe',
        test: "substring(option[60].hex,0,9) == 'PXEClient'",
        'boot-file-name': 'pxelinux.0',
      }];
      expect((await command(url, 'config-set', { Dhcp4: config })).result).toBe(0);
      await command(url, 'config-write');
    }
    await serving(URLS);
    const listed = page.locator(`tr[data-server="${NAMES[0]}"][data-scope="10.2.0.0"]`);
    await expect
      .poll(async () => {
        await open(page, `${tandem.url}/scopes?shared_network=floor-2`);
        return listed.count();
      }, { timeout: 30_000 })
      .toBe(1);
    await expect(page.locator('tbody tr')).toHaveCount(2);
    await expect(listed.locator('td[data-label="Shared Network"]')).toHaveText('floor-2');
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(listed.locator('td[data-label="Shared Network"]')).toBeVisible();
    await expect(listed.locator('td[data-label="Shared Network"]')).toHaveText('floor-2');
    await page.setViewportSize({ width: 1280, height: 900 });
    await shoot(page, `47-kea-${version}-shared-network`);

    // Server Properties lists the server's client classes: test, and what each sets.
    await open(page, `${tandem.url}/servers/${NAMES[0]}`);
    const pxe = page.locator('tr[data-class="pxe"]');
    await expect(pxe.locator('td[data-label="Test"]')).toHaveText("substring(option[60].hex,0,9) == 'PXEClient'");
    await expect(pxe.locator('td[data-label="Sets"]')).toContainText('boot-file-name pxelinux.0');
    await expect(pxe.locator('td[data-label="Used by"]')).toContainText('pool 10.2.0.100-10.2.0.200 of scope 10.2.0.0');

    // A class made in its dialog: a test Kea cannot parse refused beside the test, nothing
    // written; then made on both servers, with an option of its own.
    await page.click('#create-class');
    const classDialog = page.locator('form.dialog');
    await classDialog.locator('#name').fill('voip');
    await classDialog.locator('#test').fill("option[60].text == ");
    await classDialog.locator('#add-option').click();
    await classDialog.locator('.option-row .option-code').fill('66');
    await classDialog.locator('.option-row .option-value').fill('tftp.voip.example.org');
    await classDialog.locator('button[type="submit"]').click();
    await expect(classDialog.locator('[data-error-for="test"]')).not.toBeEmpty();
    for (const url of URLS) {
      expect((await configGet(url))['client-classes'].map((c: { name: string }) => c.name)).toEqual(['pxe']);
    }
    await classDialog.locator('#test').fill("option[60].text == 'voip'");
    await classDialog.locator('button[type="submit"]').click();
    await expect(page.locator('.notice-done')).toContainText(`Client class created on ${NAMES[0]} and replicated to ${NAMES[1]}`);
    await expect(page.locator('tr[data-class="voip"] td[data-label="Sets"]')).toContainText('tftp-server-name (66) tftp.voip.example.org');
    for (const url of URLS) {
      const voip = (await configGet(url))['client-classes'].find((c: { name: string }) => c.name === 'voip');
      expect(voip.test).toBe("option[60].text == 'voip'");
      expect(voip['option-data'][0].data).toBe('tftp.voip.example.org');
    }
    await shoot(page, `56-kea-${version}-client-classes`);
    // Edited (its name fixed), then deleted: on both.
    await page.click('tr[data-class="pxe"] a:has-text("Edit")');
    await expect(classDialog.locator('#name')).toHaveValue('pxe');
    await expect(classDialog.locator('#boot_file_name')).toHaveValue('pxelinux.0');
    await classDialog.locator('#boot_file_name').fill('undionly.kpxe');
    await classDialog.locator('button[type="submit"]').click();
    await expect(page.locator('.notice-done')).toContainText('Client class saved');
    page.once('dialog', (d) => d.accept());
    await page.click('tr[data-class="voip"] a:has-text("Delete")');
    await expect(page.locator('.notice-done')).toContainText('Client class deleted');
    await expect(page.locator('tr[data-class="voip"]')).toHaveCount(0);
    for (const url of URLS) {
      const classes = (await configGet(url))['client-classes'];
      expect(classes.map((c: { name: string }) => c.name)).toEqual(['pxe']);
      expect(classes[0]['boot-file-name']).toBe('undionly.kpxe');
    }

    // The server's own options (Windows: server options), edited in their dialog: on both.
    await page.click('#edit-server-options');
    const optionsDialog = page.locator('form.dialog');
    await optionsDialog.locator('#add-dns').click();
    await optionsDialog.locator('.option-row .option-value').last().fill('10.0.0.53, 10.0.0.54');
    await optionsDialog.locator('button[type="submit"]').click();
    await expect(page.locator('.notice-done')).toContainText(`Server options saved on ${NAMES[0]} and replicated to ${NAMES[1]}`);
    await expect(page.locator('tr[data-option="6"] td[data-label="Value"]')).toHaveText('10.0.0.53, 10.0.0.54');
    for (const url of URLS) {
      const dns = (await configGet(url))['option-data'].find((o: { code?: number; name?: string }) => o.code === 6 || o.name === 'domain-name-servers');
      expect(dns.data).toBe('10.0.0.53, 10.0.0.54');
    }
    await serving(URLS);

    // Server-wide reservations (Kea's global reservations): made in their dialog, refused by
    // field first with nothing written, then on both; edited and deleted on both.
    await page.click('#create-global');
    const globalDialog = page.locator('form.dialog');
    await globalDialog.locator('#identifier_type').selectOption('client-id');
    await globalDialog.locator('#client_id').fill('01:zz');
    await globalDialog.locator('#name').fill('kiosk-1');
    await globalDialog.locator('button[type="submit"]').click();
    await expect(globalDialog.locator('[data-error-for="client_id"]')).toContainText('is not a client identifier');
    for (const url of URLS) {
      expect((await configGet(url)).reservations ?? []).toEqual([]);
    }
    await globalDialog.locator('#client_id').fill('01:52:54:00:aa:bb:01');
    await globalDialog.locator('#boot_file_name').fill('kiosk.efi');
    await globalDialog.locator('button[type="submit"]').click();
    await expect(page.locator('.notice-done')).toContainText(`Server-wide reservation saved on ${NAMES[0]} and replicated to ${NAMES[1]}`);
    const kiosk = page.locator('tr[data-client="client-id 01:52:54:00:aa:bb:01"]');
    await expect(kiosk.locator('td[data-label="Name"]')).toHaveText('kiosk-1');
    await expect(kiosk.locator('td[data-label="IP address"]')).toContainText('none');
    await expect(kiosk.locator('td[data-label="Settings"]')).toContainText('boot-file-name kiosk.efi');
    // Kea does not look them up until reservations-global is true: said so.
    await expect(page.locator('#globals-unused')).toBeVisible();
    for (const url of URLS) {
      const hosts = (await configGet(url)).reservations;
      expect(hosts).toHaveLength(1);
      expect(hosts[0].hostname).toBe('kiosk-1');
      expect(hosts[0]['boot-file-name']).toBe('kiosk.efi');
      expect(hosts[0]['ip-address']).toBeUndefined();
    }
    await serving(URLS);
    await shoot(page, `57-kea-${version}-global-reservations`);
    await kiosk.locator('a:has-text("Edit")').click();
    await expect(globalDialog.locator('#name')).toHaveValue('kiosk-1');
    await globalDialog.locator('#ip_address').fill('192.168.60.5');
    await globalDialog.locator('button[type="submit"]').click();
    // Closed once both are written (the partner after the server serves again).
    await expect(globalDialog).toHaveCount(0, { timeout: 30_000 });
    await expect(page.locator('.notice-done')).toContainText(`Server-wide reservation saved on ${NAMES[0]} and replicated to ${NAMES[1]}`);
    await expect(kiosk.locator('td[data-label="IP address"]')).toHaveText('192.168.60.5');
    for (const url of URLS) {
      const hosts = (await configGet(url)).reservations;
      expect(hosts[0]['ip-address']).toBe('192.168.60.5');
      expect(hosts[0]['boot-file-name']).toBe('kiosk.efi');
    }
    await serving(URLS);
    // Deleted after a confirmation (a form: the same with JavaScript or without).
    await kiosk.locator('a:has-text("Delete")').click();
    await expect(page.locator('form.dialog')).toContainText('Delete the server-wide reservation for client-id 01:52:54:00:aa:bb:01');
    await page.locator('form.dialog button[type="submit"]').click();
    await expect(page.locator('.notice-done')).toContainText(`Server-wide reservation deleted on ${NAMES[0]} and replicated to ${NAMES[1]}`);
    await expect(kiosk).toHaveCount(0);
    for (const url of URLS) {
      expect((await configGet(url)).reservations ?? []).toEqual([]);
    }
    await serving(URLS);

    // With JavaScript off on a phone: a class made by the dialog's form, refused first.
    const { context: noJs, page: plain } = await signedInWithoutJavaScript(browser, tandem.url);
    await plain.goto(`${tandem.url}/servers/${NAMES[0]}`);
    await plain.click('#create-class');
    await plain.fill('form.dialog #name', 'ALL');
    await plain.fill('form.dialog #test', "option[60].text == 'printer'");
    await plain.click('form.dialog button[type="submit"]');
    await expect(plain.locator('form.dialog [data-error-for="name"]')).toContainText("Kea's own classes");
    await expect(plain.locator('form.dialog #test')).toHaveValue("option[60].text == 'printer'");
    await plain.fill('form.dialog #name', 'printers');
    await plain.click('form.dialog button[type="submit"]');
    await expect(plain.locator('.notice-done')).toContainText(`Client class created on ${NAMES[0]}`);
    await expect(plain.locator('tr[data-class="printers"]')).toHaveCount(1);
    expect(await plain.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await serving(URLS);
    // A server-wide reservation made the same way: refused by field, then on both.
    await plain.click('#create-global');
    await plain.fill('form.dialog #client_id', '52-54-00-aa-bb-02');
    await plain.fill('form.dialog #ip_address', '255.255.255.255');
    await plain.click('form.dialog button[type="submit"]');
    await expect(plain.locator('form.dialog [data-error-for="ip_address"]')).toContainText("cannot be a client's address");
    await expect(plain.locator('form.dialog #client_id')).toHaveValue('52-54-00-aa-bb-02');
    await plain.fill('form.dialog #ip_address', '192.168.60.6');
    await plain.click('form.dialog button[type="submit"]');
    await expect(plain.locator('.notice-done')).toContainText(`Server-wide reservation created on ${NAMES[0]}`);
    await expect(plain.locator('tr[data-client="hw-address 52-54-00-aa-bb-02"]')).toHaveCount(1);
    expect(await plain.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await serving(URLS);
    // A scope's reservation without an address, added by its form the same way.
    await plain.goto(`${tandem.url}/servers/${NAMES[0]}/scopes/10.2.0.0`);
    const add = plain.locator('details.host-edit').last();
    await add.locator('summary').click();
    await add.locator('input[name="client_id"]').fill('52-54-00-00-02-02');
    await add.locator('input[name="name"]').fill('floor-2-badge');
    await add.locator('input[name="boot_file_name"]').fill('badge.efi');
    await add.locator('form.host-form button[type="submit"]').click();
    await expect(plain.locator('.notice-done')).toContainText(`Reservation without an address created on ${NAMES[0]} and replicated to ${NAMES[1]}`);
    await expect(plain.locator('#addressless li[data-host="hw-address 52-54-00-00-02-02"]')).toContainText('floor-2-badge');
    expect(await plain.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    for (const url of URLS) {
      const network = (await configGet(url))['shared-networks'].find((n) => n.name === 'floor-2');
      const badge = network.subnet4[0].reservations.find((r) => r.hostname === 'floor-2-badge');
      expect(badge['ip-address']).toBeUndefined();
      expect(badge['boot-file-name']).toBe('badge.efi');
    }
    await noJs.close();
    for (const url of URLS) {
      expect((await configGet(url)).reservations.map((r: { 'ip-address': string }) => r['ip-address'])).toEqual(['192.168.60.6']);
    }
    for (const url of URLS) {
      expect((await configGet(url))['client-classes'].map((c: { name: string }) => c.name)).toEqual(['pxe', 'printers']);
    }
    await serving(URLS);

    // A reservation made in the shared network's scope: on both servers, in the network, its
    // relay and the network kept.
    await open(page, `${tandem.url}/servers/${NAMES[0]}/scopes/10.2.0.0`);
    await expect(page.locator('#scope-shared-network')).toHaveText('floor-2');
    // Each pool with what it sets of its own.
    await expect(page.locator('#pools li[data-pool="10.2.0.10-10.2.0.99"]')).toContainText("the scope's settings");
    await expect(page.locator('#pools li[data-pool="10.2.0.100-10.2.0.200"]')).toContainText('class pxe; option tftp-server-name (66) boot.floor2.example.org');
    // A pool's class and options edited in its own form (posted natively, the same with
    // JavaScript or without): on both servers, that pool alone.
    const pxePool = page.locator('#pools li[data-pool="10.2.0.100-10.2.0.200"]');
    await pxePool.locator('summary').click();
    await pxePool.locator('input[name="client_classes"]').fill('ipxe');
    await pxePool.locator('.option-row').first().locator('.option-value').fill('ipxe.floor2.example.org');
    await pxePool.locator('.option-row').last().locator('.option-code').fill('67');
    await pxePool.locator('.option-row').last().locator('.option-value').fill('undionly.kpxe');
    await pxePool.locator('button[type="submit"]').click();
    await expect(page.locator('.notice-done')).toContainText(`Pool 10.2.0.100-10.2.0.200 saved on ${NAMES[0]} and replicated to ${NAMES[1]}`);
    await expect(page.locator('#pools li[data-pool="10.2.0.100-10.2.0.200"]')).toContainText('ipxe.floor2.example.org');
    for (const url of URLS) {
      const network = (await configGet(url))['shared-networks'].find((n) => n.name === 'floor-2');
      const [plainPool, pool] = network.subnet4[0].pools;
      expect(plainPool['option-data'] ?? []).toEqual([]);
      expect(pool['client-class'] ?? pool['client-classes']).toEqual(version === '2.2' ? 'ipxe' : ['ipxe']);
      expect(pool['option-data'].map((o) => o.data).sort()).toEqual(['ipxe.floor2.example.org', 'undionly.kpxe']);
    }
    await serving(URLS);
    await page.setViewportSize({ width: 390, height: 844 });
    await pxePool.locator('summary').click();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shoot(page, `58-kea-${version}-pool-form`);
    await page.setViewportSize({ width: 1280, height: 900 });
    // The shared network's options by name, the scope's own with their flags.
    await expect(page.locator('#network-options')).toContainText('domain-name-servers (6) 10.2.0.53');
    const search = page.locator('#options li[data-option="119"]');
    await expect(search).toContainText('domain-search: floor2.example.org, example.org');
    await expect(search).toContainText('always sent');
    // The reservation without an address: listed with what it sets, edited in its own form
    // (posted natively): a field of the wrong type refused with nothing written, then on both.
    const phone = page.locator('#addressless li[data-host="hw-address 52-54-00-00-02-01"]');
    await expect(phone).toContainText('client-classes [pxe]');
    await phone.locator('summary').click();
    await phone.locator('input[name="name"]').fill('floor-2-phone');
    const spare = phone.locator('.option-row').last();
    await spare.locator('.option-code').fill('119');
    await spare.locator('select').selectOption('Data');
    await spare.locator('.option-value').fill('phones.example.org, bad name!');
    await phone.locator('form.host-form button[type="submit"]').click();
    await expect(page.locator('.notice-failed')).toContainText("field 2 ('bad name!'): is not a domain name");
    for (const url of URLS) {
      const network = (await configGet(url))['shared-networks'].find((n) => n.name === 'floor-2');
      expect(network.subnet4[0].reservations.find((r) => !r['ip-address']).hostname ?? '').toBe('');
    }
    await phone.locator('summary').click();
    await phone.locator('input[name="name"]').fill('floor-2-phone');
    await phone.locator('.option-row').last().locator('.option-code').fill('119');
    await phone.locator('.option-row').last().locator('select').selectOption('Data');
    await phone.locator('.option-row').last().locator('.option-value').fill('phones.example.org');
    await phone.locator('form.host-form button[type="submit"]').click();
    await expect(page.locator('.notice-done')).toContainText(`Reservation without an address saved on ${NAMES[0]} and replicated to ${NAMES[1]}`);
    await expect(phone).toContainText('floor-2-phone');
    for (const url of URLS) {
      const network = (await configGet(url))['shared-networks'].find((n) => n.name === 'floor-2');
      const host = network.subnet4[0].reservations.find((r) => !r['ip-address']);
      expect(host.hostname).toBe('floor-2-phone');
      expect(host['client-classes']).toEqual(['pxe']);
      expect(host['option-data'].map((o) => o.data)).toEqual(['phones.example.org']);
    }
    await serving(URLS);
    await page.setViewportSize({ width: 390, height: 844 });
    await phone.locator('summary').click();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shoot(page, `59-kea-${version}-reservation-without-address`);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.click('#create-reservation');
    await page.fill('#ip_address', '10.2.0.30');
    await page.fill('#client_id', '52-54-00-aa-bb-dd');
    await page.fill('#name', 'floor-2-printer');
    await page.click('form.dialog button[type="submit"]');
    await expect(page.locator('form.dialog')).toHaveCount(0, { timeout: 30_000 });
    await expect(page.locator('.notice-done')).toContainText(`Reservation created on ${NAMES[0]} and replicated to ${NAMES[1]}`);
    await shoot(page, `48-kea-${version}-shared-network-properties`);
    for (const url of URLS) {
      const config = await configGet(url);
      const network = config['shared-networks'].find((n) => n.name === 'floor-2');
      expect(network.relay['ip-addresses']).toEqual(['10.2.0.1']);
      const subnet = network.subnet4.find((s) => s.subnet === '10.2.0.0/24');
      expect(subnet.reservations.map((r) => r['ip-address'])).toContain('10.2.0.30');
    }
  } finally {
    execFileSync(SCRIPT, ['stop', data], { env, stdio: 'inherit' });
    fs.rmSync(data, { recursive: true, force: true });
  }
});
}
