// Failover relationships in the browser: create one, put a scope in it, take the partner
// offline, watch the states, set Partner Down, bring the partner back to Normal; and
// server-level replication after outside changes on two scopes.
import { test, expect, open, shoot } from './fixtures';

const DHCP1 = 'dhcp1.contoso.com';
const DC1 = 'dc1.contoso.com';

function addScope(tandem, server: string, net: string) {
  const base = net.split('.').slice(0, 3).join('.');
  tandem.cli(server, 'scope-add', '--scope', net, '--start', `${base}.10`, '--end', `${base}.200`, '--name', `lab ${net}`);
}

test('create a relationship, add a scope, partner outage, Partner Down, back to Normal', async ({ page, tandem }) => {
  addScope(tandem, DHCP1, '10.1.0.0');

  await open(page, tandem.url + '/relationships');
  await page.click('#create-relationship');
  await page.fill('#primary_server', DHCP1);
  await page.fill('#secondary_server', DC1);
  await page.fill('#name', 'lab');
  await page.fill('#max_client_lead_time_secs', '2');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Relationship lab created on dhcp1.contoso.com and dc1.contoso.com');
  const lab = page.locator('tr[data-relationship="lab"]');
  await expect(lab.locator('td[data-label="Mode"]')).toHaveText('LoadBalance 50%');
  await expect(lab.locator('[data-status="primary"]')).toHaveText('Normal', { timeout: 10_000 });
  await expect(lab.locator('[data-status="secondary"]')).toHaveText('Normal');

  // Configure failover on the new scope, into "lab": the partner gets a copy.
  await open(page, tandem.url + '/scopes');
  const row = page.locator(`tr[data-server="${DHCP1}"][data-scope="10.1.0.0"]`);
  await row.locator('a', { hasText: 'Configure Failover' }).click();
  await page.selectOption('#relationship', 'lab');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Failover configured');
  await expect(row.locator('td[data-label="Failover Relationship Name"]')).toHaveText('lab');
  await expect(page.locator(`tr[data-server="${DC1}"][data-scope="10.1.0.0"] [data-drift]`)).toHaveText('InSync');
  expect(tandem.cli(DC1, 'scopes')).toContain('10.1.0.0');

  // The partner goes offline (Server Properties): the primary sees CommunicationInterrupted.
  await open(page, `${tandem.url}/servers/${DC1}`);
  await page.click('#toggle-online');
  await expect(page.locator('#server-status')).toContainText('Unreachable');
  await open(page, tandem.url + '/relationships');
  await expect(lab.locator('[data-status="primary"]')).toHaveText('CommunicationInterrupted', { timeout: 10_000 });
  await expect(lab.locator('[data-status="secondary"]')).toContainText('Unreachable');
  await shoot(page, '20-communication-interrupted');

  await lab.locator('button[data-action="partner-down"]').click();
  await expect(page.locator('.notice-done')).toContainText('Partner Down set');
  await expect(lab.locator('[data-status="primary"]')).toHaveText('PartnerDown');

  // Back online: the partner recovers (one MCLT), then both are Normal.
  await open(page, `${tandem.url}/servers/${DC1}`);
  await page.click('#toggle-online');
  await expect(page.locator('#server-status')).toHaveText('Reachable');
  await open(page, tandem.url + '/relationships');
  await expect(lab.locator('[data-status="primary"]')).toHaveText('Normal', { timeout: 15_000 });
  await expect(lab.locator('[data-status="secondary"]')).toHaveText('Normal', { timeout: 5_000 });
  await shoot(page, '21-relationships-normal');

  // The dashboard agrees, on a phone too.
  await open(page, tandem.url + '/');
  await expect(page.locator('#tile-not-normal .count')).toHaveText('0');
  await expect(page.locator('#tile-unreachable .count')).toHaveText('0');
  await shoot(page, '22-dashboard');
});

test('server-level replication after outside changes on two scopes', async ({ page, tandem }) => {
  addScope(tandem, DHCP1, '10.1.0.0');
  await open(page, tandem.url + '/scopes');
  await page.locator(`tr[data-server="${DHCP1}"][data-scope="10.1.0.0"] a`, { hasText: 'Configure Failover' }).click();
  await page.selectOption('#relationship', 'dhcp1.contoso.com-dc1.contoso.com');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Failover configured');

  // Outside changes on dhcp1, on both scopes.
  tandem.cli(DHCP1, 'reservation', 'add', '--scope', '10.0.0.0', '--ip', '10.0.0.100', '--client-id', '00155DA76602');
  tandem.cli(DHCP1, 'reservation', 'add', '--scope', '10.1.0.0', '--ip', '10.1.0.100', '--client-id', '00155DA76603');
  await open(page, tandem.url + '/');
  await expect(page.locator('#tile-out-of-sync .count')).toHaveText('4', { timeout: 5_000 });
  await expect(page.locator('#problems')).toContainText('10.1.0.0 on dhcp1.contoso.com: OutOfSync');
  await shoot(page, '23-dashboard-out-of-sync');
  // Each tile is a link to the filtered list.
  await page.click('#tile-out-of-sync');
  await expect(page).toHaveURL(/\/scopes\?sync=drift/);
  await page.waitForSelector('body[data-hydrated="true"]');
  await expect(page.locator('table.scopes tbody tr')).toHaveCount(4);

  await open(page, `${tandem.url}/servers/${DHCP1}`);
  await page.click('#replicate-server');
  // A preview first: each failover scope with what will change on its partner.
  await expect(page.locator('#replication-preview-summary')).toHaveText('Read now from both copies of 2 scope(s): 2 changes on the partners.');
  await expect(page.locator('.scope-preview[data-scope="dhcp1.contoso.com/10.0.0.0"] li')).toHaveText([/^reservation 10\.0\.0\.100 added: /]);
  await expect(page.locator('.scope-preview[data-scope="dhcp1.contoso.com/10.1.0.0"] li')).toHaveText([/^reservation 10\.1\.0\.100 added: /]);
  await shoot(page, '24-server-replication-preview');
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99']);
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('form.dialog')).toHaveCount(0);
  await expect(page.locator('.run-status')).toHaveText('Replication finished.');
  await expect(page.locator('.results')).toContainText('2 scope(s) replicated, 0 failed.');
  await shoot(page, '24-server-replicated');
  await expect(page.locator('[data-result-scope="10.0.0.0"]')).toContainText('replicated to dc1.contoso.com: 1 difference(s) overwritten');
  await expect(page.locator('[data-result-scope="10.1.0.0"]')).toContainText('replicated to dc1.contoso.com');
  expect(tandem.cli(DC1, 'reservation', 'list', '--scope', '10.1.0.0')).toContain('10.1.0.100');
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.100']);
  await open(page, tandem.url + '/');
  await expect(page.locator('#tile-out-of-sync .count')).toHaveText('0');
});

test('several scopes replicated at once from the DHCP Scopes view', async ({ page, tandem }) => {
  addScope(tandem, DHCP1, '10.1.0.0');
  await open(page, tandem.url + '/scopes');
  await page.locator(`tr[data-server="${DHCP1}"][data-scope="10.1.0.0"] a`, { hasText: 'Configure Failover' }).click();
  await page.selectOption('#relationship', 'dhcp1.contoso.com-dc1.contoso.com');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Failover configured');
  tandem.cli(DHCP1, 'reservation', 'add', '--scope', '10.1.0.0', '--ip', '10.1.0.100', '--client-id', '00155DA76603');
  await open(page, tandem.url + '/scopes');
  for (const net of ['10.0.0.0', '10.1.0.0']) {
    await page.locator(`tr[data-server="${DHCP1}"][data-scope="${net}"] input.select-scope`).check();
  }
  await page.click('#replicate-selected');
  await expect(page.locator('form.dialog h2')).toHaveText('Replicate 2 selected scope(s)');
  await expect(page.locator('.scope-preview[data-scope="dhcp1.contoso.com/10.0.0.0"]')).toContainText('Already the same: nothing will change.');
  await expect(page.locator('.scope-preview[data-scope="dhcp1.contoso.com/10.1.0.0"] li')).toHaveText([/^reservation 10\.1\.0\.100 added: /]);
  // dc1 changes behind Tandem's back after the preview: refused, nothing written, the new one.
  tandem.cli(DC1, 'reservation', 'add', '--scope', '10.0.0.0', '--ip', '10.0.0.150', '--client-id', '00155DA76650');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('#dialog-error')).toContainText('changed since the preview');
  await expect(page.locator('.scope-preview[data-scope="dhcp1.contoso.com/10.0.0.0"] li')).toHaveText([/^reservation 10\.0\.0\.150 removed /]);
  expect(tandem.cli(DC1, 'reservation', 'list', '--scope', '10.1.0.0')).not.toContain('10.1.0.100');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.results')).toContainText('2 scope(s) replicated, 0 failed.');
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99']);
  await expect(page.locator(`tr[data-server="${DC1}"][data-scope="10.1.0.0"] [data-drift]`)).toHaveText('InSync');

  // Remove failover from 10.1.0.0 on dhcp1: deleted on dc1, kept on dhcp1.
  page.once('dialog', (d) => d.accept());
  await page.locator(`tr[data-server="${DHCP1}"][data-scope="10.1.0.0"] a`, { hasText: 'Remove Failover' }).click();
  await expect(page.locator('.notice-done')).toContainText('deleted on dc1.contoso.com and kept here');
  await expect(page.locator(`tr[data-server="${DC1}"][data-scope="10.1.0.0"]`)).toHaveCount(0);
  await expect(page.locator(`tr[data-server="${DHCP1}"][data-scope="10.1.0.0"]`)).toBeVisible();
});

test('Failover Relationships pages and filters in the URL; the Dashboard lists only what is not Normal', async ({ page, tandem }) => {
  // 25 more relationships between the seed's two servers (a server takes part in 31 at most),
  // through the same call the dialog makes: 26 in all. The first holds five scopes, the
  // others none.
  const many = ['10.1.0.0', '10.2.0.0', '10.3.0.0', '10.4.0.0', '10.5.0.0'];
  for (const net of many) addScope(tandem, DHCP1, net);
  for (let i = 0; i < 25; i++) {
    const made = await page.request.post(tandem.url + '/api/create_relationship', {
      headers: { 'content-type': 'application/json', origin: tandem.url },
      data: { input: { relationship: { name: `r${String(i).padStart(2, '0')}`, primary_server: DHCP1, secondary_server: DC1 }, scopes: i === 0 ? many : [] } },
    });
    expect(made.ok(), await made.text()).toBeTruthy();
  }
  await open(page, tandem.url + '/relationships');
  await expect(page.locator('table.relationships tbody tr')).toHaveCount(26);
  await expect(page.locator('.pager-count')).toHaveText('1–26 of 26');
  // The seed's relationship lists its scope, linked to DHCP Scopes filtered by it.
  const seed = page.locator(`tr[data-relationship="${DHCP1}-${DC1}"]`);
  await expect(seed.locator('td[data-label="Scopes"] a')).toHaveText('10.0.0.0');
  await expect(seed.locator('td[data-label="Scopes"] a')).toHaveAttribute('href', `/scopes?relationship=${DHCP1}-${DC1}`);
  // Five scopes are a count; Replicate still replicates every one of them (read first).
  const r00 = page.locator('tr[data-relationship="r00"]');
  await expect(r00.locator('td[data-label="Scopes"] a')).toHaveText('5 scopes');
  tandem.cli(DHCP1, 'reservation', 'add', '--scope', '10.5.0.0', '--ip', '10.5.0.100', '--client-id', '00155DA76605');
  await r00.locator('a', { hasText: 'Replicate' }).click();
  await expect(page.locator('.scope-preview')).toHaveCount(5);
  await expect(page.locator('#replication-preview-summary')).toHaveText('Read now from both copies of 5 scope(s): 1 change on the partners.');
  await expect(page.locator('.scope-preview[data-scope="dhcp1.contoso.com/10.5.0.0"] li')).toHaveText([/^reservation 10\.5\.0\.100 added: /]);
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.run-status')).toHaveText('Replication finished.');
  await expect(page.locator('.results')).toContainText('5 scope(s) replicated, 0 failed.');
  expect(tandem.cli(DC1, 'reservation', 'list', '--scope', '10.5.0.0')).toContain('10.5.0.100');
  // Pages of ten: the pager and the filter are links and a GET form, the page is in the URL.
  await open(page, tandem.url + '/relationships?per_page=10');
  await expect(page.locator('.pager-count')).toHaveText('1–10 of 26');
  await page.click('a[rel="next"]');
  await expect(page).toHaveURL(/\/relationships\?page=2&per_page=10$/);
  await expect(page.locator('.pager-count')).toHaveText('11–20 of 26');
  await expect(page.locator('table.relationships tbody tr').first()).toHaveAttribute('data-relationship', 'r09');
  await page.fill('input[name="name"]', 'R2');
  await page.click('.filters button[type="submit"]');
  await expect(page).toHaveURL(/name=R2/);
  await expect(page.locator('table.relationships tbody tr')).toHaveCount(5);
  await expect(page.locator('tr[data-relationship="r24"]')).toBeVisible();
  await page.reload();
  await expect(page.locator('table.relationships tbody tr')).toHaveCount(5);

  // The partner goes offline: every relationship is not Normal; the Dashboard counts all 26
  // and lists 20, with a link to the rest.
  await open(page, `${tandem.url}/servers/${DC1}`);
  await page.click('#toggle-online');
  await expect(page.locator('#server-status')).toContainText('Unreachable');
  await open(page, tandem.url + '/');
  await expect(page.locator('#tile-not-normal .count')).toHaveText('26', { timeout: 10_000 });
  await expect(page.locator('#not-normal li')).toHaveCount(20);
  await expect(page.locator('#not-normal li').first()).toContainText('Unreachable');
  await shoot(page, '25-dashboard-not-normal');
  await page.click('a:has-text("All 26 relationships not Normal")');
  await expect(page).toHaveURL(/\/relationships\?filter=not-normal$/);
  await expect(page.locator('.pager-count')).toHaveText('1–26 of 26');
  await expect(page.locator('select[name="filter"]')).toHaveValue('not-normal');
  await shoot(page, '26-relationships-not-normal');
});

test('a relationship is edited from its row, its dialog opening again after it closes', async ({ page, tandem }) => {
  await open(page, tandem.url + '/relationships');
  const row = page.locator('table.relationships tbody tr').first();
  const name = await row.getAttribute('data-relationship');
  const mclt = page.locator('form.dialog #max_client_lead_time_secs');
  await row.locator('a:has-text("Edit")').click();
  await expect(mclt).toBeVisible();
  await page.click('form.dialog a:has-text("Cancel")');
  await expect(page.locator('form.dialog')).toHaveCount(0);
  await expect(page).toHaveURL(/\/relationships$/);
  // The same link again: the dialog opens again; saved, and once more.
  await row.locator('a:has-text("Edit")').click();
  await mclt.fill('1800');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText(`Relationship ${name} saved on both servers.`);
  await expect(page.locator('form.dialog')).toHaveCount(0);
  await row.locator('a:has-text("Edit")').click();
  await expect(mclt).toHaveValue('1800');
});
