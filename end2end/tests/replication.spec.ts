// The seed's "Failover replication example", walked in a real browser: a reservation added
// outside Tandem is missing on the partner until replicated at scope level; then, added
// through Tandem, it lands on both servers with no replicate pressed.
import { test, expect, open, shoot } from './fixtures';

const DHCP1 = 'dhcp1.contoso.com';
const DC1 = 'dc1.contoso.com';

function scopeRow(page, server: string) {
  return page.locator(`tr[data-server="${server}"][data-scope="10.0.0.0"]`);
}

test('the seed replication example, end to end', async ({ page, tandem }) => {
  // Both servers list 10.0.0.99, and the scope is in sync.
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99']);
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99']);
  expect(tandem.cli(DHCP1, 'reservation', 'list', '--scope', '10.0.0.0')).toMatch(
    /IPAddress\s+ScopeId\s+ClientId\s+Name\s+Type\s+Description\s+IdentifierType\n-+.*\n10\.0\.0\.99\s+10\.0\.0\.0\s+aa-bb-cc-dd-ee-ff\s+test\s+Both\s+A1/,
  );
  await open(page, tandem.url + '/scopes');
  for (const server of [DHCP1, DC1]) {
    await expect(scopeRow(page, server).locator('td[data-label="Failover Relationship Name"]')).toHaveText(
      'dhcp1.contoso.com-dc1.contoso.com',
    );
    await expect(scopeRow(page, server).locator('[data-drift]')).toHaveText('InSync');
  }
  await shoot(page, '01-scopes-in-sync');

  // Added on dhcp1 through its native API (the seed's PowerShell): not replicated.
  tandem.cli(DHCP1, 'reservation', 'add', '--scope', '10.0.0.0', '--ip', '10.0.0.100', '--client-id', '00155DA76602');
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99', '10.0.0.100']);
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99']);
  await open(page, tandem.url + '/scopes');
  await expect(scopeRow(page, DHCP1).locator('.reservation-count')).toHaveText('2');
  await expect(scopeRow(page, DC1).locator('.reservation-count')).toHaveText('1');
  await expect(scopeRow(page, DHCP1).locator('[data-drift]')).toHaveText('OutOfSync');
  await expect(scopeRow(page, DC1).locator('[data-drift]')).toHaveText('OutOfSync');
  await shoot(page, '02-scopes-out-of-sync');

  // The portal shows it on dhcp1 only; replicate the scope from dhcp1.
  await open(page, `${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`);
  await expect(page.locator('tr[data-ip="10.0.0.100"] td[data-label="ClientId"]')).toHaveText('00-15-5d-a7-66-02');
  await expect(page.locator('#drift [data-drift]')).toHaveText('OutOfSync');
  // Scope Properties says what differs, field by field.
  await expect(page.locator('#differences li')).toHaveText(['reservation 10.0.0.100 only on dhcp1.contoso.com']);
  await shoot(page, '02b-scope-properties-differences');
  await open(page, `${tandem.url}/servers/${DC1}/scopes/10.0.0.0`);
  await expect(page.locator('tr[data-ip="10.0.0.99"]')).toBeVisible();
  await expect(page.locator('tr[data-ip="10.0.0.100"]')).toHaveCount(0);
  await expect(page.locator('#differences li')).toHaveText(['reservation 10.0.0.100 only on dhcp1.contoso.com']);

  await open(page, `${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`);
  await page.click('#replicate-scope');
  // The dialog shows what will change on dc1, read now from both servers.
  const preview = page.locator('#replication-preview li');
  await expect(preview).toHaveText([/^reservation 10\.0\.0\.100 added: /]);
  await shoot(page, '02c-replication-preview');
  // dc1 changes behind Tandem's back after the preview: the replication is refused, nothing
  // is written, and the dialog shows the new preview.
  tandem.cli(DC1, 'reservation', 'add', '--scope', '10.0.0.0', '--ip', '10.0.0.101', '--client-id', '00155DA76603');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('#dialog-error')).toContainText('changed since the preview');
  await expect(preview).toHaveText([/^reservation 10\.0\.0\.100 added: /, /^reservation 10\.0\.0\.101 removed /]);
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.101']);
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('replicated from dhcp1.contoso.com to dc1.contoso.com');
  await expect(page.locator('[role="dialog"]')).toHaveCount(0);
  await expect(page.locator('#drift [data-drift]')).toHaveText('InSync');
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.100']);
  expect(tandem.cli(DC1, 'reservation', 'list', '--scope', '10.0.0.0')).toMatch(
    /10\.0\.0\.100\s+10\.0\.0\.0\s+00-15-5d-a7-66-02\s+Both/,
  );

  // Delete it through the portal: gone from both.
  page.once('dialog', (d) => d.accept());
  await page.locator('tr[data-ip="10.0.0.100"] a', { hasText: 'Delete' }).click();
  await expect(page.locator('.notice-done')).toContainText('Reservation deleted on dhcp1.contoso.com and replicated to dc1.contoso.com');
  await expect(page.locator('tr[data-ip="10.0.0.100"]')).toHaveCount(0);
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99']);
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99']);

  // Create it again through the dialog: both servers list it at once, no replicate pressed.
  await page.click('#create-reservation');
  await page.fill('#ip_address', '10.0.0.100');
  await page.fill('#client_id', '00155DA76602');
  await shoot(page, '03-create-dialog');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Reservation created on dhcp1.contoso.com and replicated to dc1.contoso.com');
  await expect(page.locator('form.dialog')).toHaveCount(0);
  await expect(page.locator('tr[data-ip="10.0.0.100"] td[data-label="Type"]')).toHaveText('Both');
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99', '10.0.0.100']);
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.100']);
  await expect(page.locator('#drift [data-drift]')).toHaveText('InSync');
  await shoot(page, '04-reservations-created');
});

test('bad input in the dialog is refused beside the field and writes nothing', async ({ page, tandem }) => {
  await open(page, `${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`);
  await page.click('#create-reservation');
  const cases: [string, string, string, RegExp][] = [
    ['10.0.0.100', '00155DA7660', 'client_id', /not a MAC address/],
    ['10.0.0.1000', '00155DA76602', 'ip_address', /not an IPv4 address/],
    ['10.0.1.100', '00155DA76602', 'ip_address', /outside scope 10\.0\.0\.0/],
    ['10.0.0.99', '00155DA76602', 'ip_address', /already reserved/],
    ['10.0.0.100', 'AA:BB:CC:DD:EE:FF', 'client_id', /already has a reservation/],
  ];
  for (const [ip, mac, field, message] of cases) {
    await page.fill('#ip_address', ip);
    await page.fill('#client_id', mac);
    await page.click('form.dialog button[type="submit"]');
    await expect(page.locator(`[data-error-for="${field}"]`)).toHaveText(message);
    await expect(page.locator(`#${field}`)).toHaveClass(/invalid/);
    expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99']);
    expect(tandem.reservations(DC1)).toEqual(['10.0.0.99']);
  }
  await shoot(page, '05-dialog-errors');
  // The dialog stays open with the errors; once corrected, it goes through.
  await page.fill('#ip_address', '10.0.0.100');
  await page.fill('#client_id', '00-15-5d-a7-66-02');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('replicated to dc1.contoso.com');
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.100']);
});

test('with the partner offline the change stays, the sync status shows it, replication clears it', async ({ page, tandem }) => {
  tandem.cli(DC1, 'stop');
  await open(page, `${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`);
  await expect(page.locator('#drift [data-drift]')).toHaveText('Unknown');
  await page.click('#create-reservation');
  await page.fill('#ip_address', '10.0.0.101');
  await page.fill('#client_id', '00:15:5d:a7:66:03');
  await page.click('form.dialog button[type="submit"]');
  const warning = page.locator('.notice-warning');
  await expect(warning).toContainText('Reservation created on dhcp1.contoso.com, but NOT replicated to partner dc1.contoso.com');
  await expect(page.locator('#sync-status')).toContainText('dc1.contoso.com is unreachable');
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99', '10.0.0.101']);
  await open(page, tandem.url + '/scopes');
  await expect(page.locator(`[data-unreachable="${DC1}"]`)).toContainText('dc1.contoso.com is unreachable');
  await expect(scopeRow(page, DHCP1).locator('.sync-status')).toContainText('unreachable');
  await shoot(page, '06-partner-offline');

  // Back online: the error stays until a replication succeeds.
  tandem.cli(DC1, 'start');
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99']);
  await open(page, tandem.url + '/scopes');
  await expect(scopeRow(page, DHCP1).locator('[data-drift]')).toHaveText('OutOfSync');
  await expect(scopeRow(page, DHCP1).locator('.sync-status')).toContainText('unreachable');
  await scopeRow(page, DHCP1).locator('a', { hasText: 'Replicate Scope' }).click();
  await expect(page.locator('#replication-preview li')).toHaveText([/^reservation 10\.0\.0\.101 added: /]);
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('replicated from dhcp1.contoso.com to dc1.contoso.com');
  await expect(scopeRow(page, DHCP1).locator('.sync-status')).toHaveText('');
  await expect(scopeRow(page, DHCP1).locator('[data-drift]')).toHaveText('InSync');
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.101']);
});

test('a config sync error can be cleared by hand', async ({ page, tandem }) => {
  tandem.cli(DC1, 'stop');
  await open(page, `${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`);
  await page.click('#create-reservation');
  await page.fill('#ip_address', '10.0.0.102');
  await page.fill('#client_id', '001122334455');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-warning')).toBeVisible();
  tandem.cli(DC1, 'start');
  await open(page, tandem.url + '/scopes');
  await scopeRow(page, DHCP1).locator('button', { hasText: 'Clear Config Sync Error' }).click();
  await expect(page.locator('.notice-done')).toContainText('Config sync error cleared');
  await expect(scopeRow(page, DHCP1).locator('.sync-status')).toHaveText('');
  // Cleared is not replicated: the copies still differ.
  await expect(scopeRow(page, DHCP1).locator('[data-drift]')).toHaveText('OutOfSync');
});

test('editing a reservation, its address included, changes both servers', async ({ page, tandem }) => {
  await open(page, `${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`);
  await page.locator('tr[data-ip="10.0.0.99"] a', { hasText: 'Edit' }).click();
  await page.fill('#ip_address', '10.0.0.98');
  await page.fill('#name', 'moved');
  await page.selectOption('#type', 'Dhcp');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Reservation saved on dhcp1.contoso.com and replicated to dc1.contoso.com');
  await expect(page.locator('tr[data-ip="10.0.0.98"] td[data-label="Type"]')).toHaveText('Dhcp');
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.98']);
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.98']);
  expect(tandem.cli(DC1, 'reservation', 'list', '--scope', '10.0.0.0')).toMatch(/10\.0\.0\.98\s+10\.0\.0\.0\s+aa-bb-cc-dd-ee-ff\s+moved\s+Dhcp\s+A1/);
});
