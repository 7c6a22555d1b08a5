// Dialogs without the page's code: JavaScript off, and an impatient user whose page's code
// never arrives. The forms post natively (a body, never a URL), the same errors come back
// beside their fields, and the change reaches both partners.
import { test, expect, ADMIN_PASSWORD, shoot } from './fixtures';
import type { Browser, BrowserContext, Page } from '@playwright/test';

const DHCP1 = 'dhcp1.contoso.com';
const DC1 = 'dc1.contoso.com';

/** A browser context signed in by the native sign-in form, with every URL it asked for. */
async function signedIn(browser: Browser, url: string, javaScriptEnabled: boolean) {
  const context: BrowserContext = await browser.newContext({ javaScriptEnabled });
  const page: Page = await context.newPage();
  const seen: string[] = [];
  page.on('request', (r) => seen.push(r.url()));
  if (javaScriptEnabled) {
    // The page's code never arrives: every click is the browser's own.
    await page.route('**/pkg/**', (route) => route.abort());
  }
  await page.goto(url + '/sign-in');
  await page.fill('#username', 'admin');
  await page.fill('#password', ADMIN_PASSWORD);
  await page.click('form.sign-in button[type="submit"]');
  await expect(page.locator('form.sign-in')).toHaveCount(0);
  return { context, page, seen };
}

for (const [label, javaScriptEnabled] of [
  ['with JavaScript off', false],
  ['before the page has loaded', true],
] as const) {
  test(`reservations are created, refused, edited and deleted ${label}`, async ({ browser, tandem }) => {
    const { context, page, seen } = await signedIn(browser, tandem.url, javaScriptEnabled);
    const scopePage = `${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`;
    await page.goto(scopePage);
    await page.click('#create-reservation');
    await expect(page.locator('form.dialog')).toBeVisible();
    await expect(page.locator('#type')).toHaveValue('Both');

    // Refused: the error beside its field, what was typed still there, nothing written.
    await page.fill('#ip_address', '10.0.0.120');
    await page.fill('#client_id', '00155DA7660');
    await page.fill('#name', 'printer-typed');
    await page.click('form.dialog button[type="submit"]');
    await expect(page.locator('[data-error-for="client_id"]')).toHaveText(/not a MAC address/);
    await expect(page.locator('#ip_address')).toHaveValue('10.0.0.120');
    await expect(page.locator('#name')).toHaveValue('printer-typed');
    expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99']);
    await shoot(page, `40-no-js-dialog-error-${javaScriptEnabled ? 'early' : 'off'}`);

    // Corrected: created on both partners, told on the page.
    await page.fill('#client_id', '00-15-5d-a7-66-20');
    await page.click('form.dialog button[type="submit"]');
    await expect(page.locator('.notice-done')).toContainText('replicated to dc1.contoso.com');
    await expect(page.locator('form.dialog')).toHaveCount(0);
    expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99', '10.0.0.120']);
    expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.120']);

    // Edited, then deleted (a confirmation first), on both.
    await page.click('tr[data-ip="10.0.0.120"] a:has-text("Edit")');
    await expect(page.locator('#client_id')).toHaveValue('00-15-5d-a7-66-20');
    await page.fill('#name', 'printer-2');
    await page.click('form.dialog button[type="submit"]');
    await expect(page.locator('.notice-done')).toContainText('Reservation saved');
    await expect(page.locator('tr[data-ip="10.0.0.120"] [data-label="Name"]')).toHaveText('printer-2');
    expect(tandem.cli(DC1, 'reservation', 'list', '--scope', '10.0.0.0')).toContain('printer-2');
    await page.click('tr[data-ip="10.0.0.120"] a:has-text("Delete")');
    await expect(page.locator('form.dialog')).toContainText('Delete reservation 10.0.0.120');
    await page.click('form.dialog button[type="submit"]');
    await expect(page.locator('.notice-done')).toContainText('Reservation deleted');
    expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99']);
    expect(tandem.reservations(DC1)).toEqual(['10.0.0.99']);

    // Cancel is a link back.
    await page.click('#create-reservation');
    await page.click('form.dialog a:has-text("Cancel")');
    await expect(page.locator('form.dialog')).toHaveCount(0);

    await context.close();
    for (const url of seen) {
      expect(url).not.toContain('client_id');
      expect(url).not.toContain('printer');
      expect(url).not.toContain('password');
    }
  });
}

test('users are created, edited and get a new password, and sign-out works, with JavaScript off', async ({ browser, tandem }) => {
  const { context, page, seen } = await signedIn(browser, tandem.url, false);
  await page.goto(tandem.url + '/users');
  await page.click('#create-user');
  await page.fill('#username', 'erin');
  await page.fill('#display_name', 'Erin typed');
  await page.selectOption('#role', 'DhcpAdministrator');
  await page.fill('#new-password', 'short');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('[data-error-for="password"]')).toHaveText(/at least 10 characters/);
  // What was typed is back, except the password, which is never kept.
  await expect(page.locator('#display_name')).toHaveValue('Erin typed');
  await expect(page.locator('#role')).toHaveValue('DhcpAdministrator');
  await expect(page.locator('#new-password')).toHaveValue('');
  await shoot(page, '41-no-js-user-error');
  await page.fill('#new-password', 'erin long password');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toHaveText(/User erin created/);
  await expect(page.locator('tr[data-user="erin"] .role')).toHaveText('DHCP Administrator');

  await page.click('tr[data-user="erin"] a:has-text("Edit")');
  await page.fill('#display_name', 'Erin');
  await page.check('#disabled');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toHaveText(/User erin saved/);
  await expect(page.locator('tr[data-user="erin"] .state')).toHaveText('disabled');

  await page.click('tr[data-user="erin"] a:has-text("Reset password")');
  await page.fill('#new-password', 'tiny');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('[data-error-for="password"]')).toHaveText(/at least 10 characters/);
  await page.fill('#new-password', 'erin newer password');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toHaveText(/Password reset/);

  await page.click('#sign-out');
  await expect(page).toHaveURL(tandem.url + '/sign-in');
  await page.goto(tandem.url + '/users');
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await context.close();
  for (const url of seen) {
    expect(url).not.toContain('password=');
    expect(url).not.toContain('long');
    expect(url).not.toContain('tiny');
    expect(url).not.toContain('Erin');
  }
});

test('servers are added, taken offline and back, and replicated, with JavaScript off', async ({ browser, tandem }) => {
  const { context, page, seen } = await signedIn(browser, tandem.url, false);
  await page.goto(tandem.url + '/servers');
  await page.click('#add-kea-server');
  await page.fill('#name', 'kea9.example.com');
  await page.fill('#url', 'http://127.0.0.1:9/');
  await page.fill('#user', 'tandem');
  await page.fill('#password', 'kea secret password');
  await page.click('form.dialog button[type="submit"]');
  // Refused (nothing answers there): said in the dialog, what was typed kept but the password.
  await expect(page.locator('form.dialog')).toContainText(/127\.0\.0\.1:9/);
  await expect(page.locator('#name')).toHaveValue('kea9.example.com');
  await expect(page.locator('#password')).toHaveValue('');
  await page.click('form.dialog a:has-text("Cancel")');
  await expect(page.locator('form.dialog')).toHaveCount(0);

  await page.goto(`${tandem.url}/servers/${DC1}`);
  await page.click('#toggle-online');
  await expect(page.locator('.notice-done')).toContainText('DHCP service state has changed');
  await expect(page.locator('#server-status')).toContainText('Unreachable');
  await page.click('#toggle-online');
  await expect(page.locator('#server-status')).toHaveText('Reachable');
  tandem.cli(DHCP1, 'reservation', 'add', '--scope', '10.0.0.0', '--ip', '10.0.0.130', '--client-id', '00155DA76630');
  await page.goto(`${tandem.url}/servers/${DHCP1}`);
  await page.click('#replicate-server');
  await expect(page.locator('.scope-preview[data-scope="dhcp1.contoso.com/10.0.0.0"] li')).toHaveText([/^reservation 10\.0\.0\.130 added: /]);
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99']);
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('1 failover scope(s) copied');
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.130']);
  await context.close();
  for (const url of seen) {
    expect(url).not.toContain('secret');
    expect(url).not.toContain('kea9');
  }
});

test('relationships are created (refused first), edited, replicated and deleted with JavaScript off', async ({ browser, tandem }) => {
  tandem.cli(DHCP1, 'scope-add', '--scope', '10.1.0.0', '--start', '10.1.0.10', '--end', '10.1.0.200', '--name', 'lab 10.1.0.0');
  const { context, page, seen } = await signedIn(browser, tandem.url, false);
  await page.goto(tandem.url + '/relationships');
  await page.click('#create-relationship');
  await page.fill('#primary_server', DHCP1);
  await page.fill('#secondary_server', DC1);
  await page.fill('#name', 'lab');
  await page.fill('#scopes', '10.1.0.0');
  // Hot standby's own fields show once it is chosen, by the style sheet alone.
  await expect(page.locator('#reserve_percent')).toBeHidden();
  await page.selectOption('#mode', 'HotStandby');
  await expect(page.locator('#reserve_percent')).toBeVisible();
  await page.fill('#reserve_percent', '150');
  await page.check('#enable_auth');
  await page.fill('#shared_secret', 'relationship secret');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('[data-error-for="reserve_percent"]')).not.toBeEmpty();
  await expect(page.locator('#name')).toHaveValue('lab');
  await expect(page.locator('#mode')).toHaveValue('HotStandby');
  await expect(page.locator('#shared_secret')).toHaveValue('');
  expect(tandem.cli(DC1, 'scopes')).not.toContain('10.1.0.0');
  await page.fill('#reserve_percent', '5');
  await page.fill('#shared_secret', 'relationship secret');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Relationship lab created on dhcp1.contoso.com and dc1.contoso.com');
  const lab = page.locator('tr[data-relationship="lab"]');
  await expect(lab.locator('td[data-label="Mode"]')).toContainText('HotStandby');
  expect(tandem.cli(DC1, 'scopes')).toContain('10.1.0.0');

  await lab.locator('a', { hasText: 'Edit' }).click();
  await page.selectOption('#mode', 'LoadBalance');
  await page.fill('#load_balance_percent', '70');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Relationship lab saved on both servers');
  await expect(lab.locator('td[data-label="Mode"]')).toHaveText('LoadBalance 70%');

  await lab.locator('a', { hasText: 'Replicate' }).click();
  await expect(page.locator('form.dialog h2')).toHaveText('Replicate relationship lab from dhcp1.contoso.com');
  await expect(page.locator('.scope-preview[data-scope="dhcp1.contoso.com/10.1.0.0"]')).toContainText('Already the same');
  // dc1 changes after the preview: refused, nothing written, the dialog again with the new one.
  tandem.cli(DC1, 'reservation', 'add', '--scope', '10.1.0.0', '--ip', '10.1.0.160', '--client-id', '00155DA76660');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('#dialog-error')).toContainText('changed since the preview');
  await expect(page.locator('.scope-preview[data-scope="dhcp1.contoso.com/10.1.0.0"] li')).toHaveText([/^reservation 10\.1\.0\.160 removed /]);
  expect(tandem.cli(DC1, 'reservation', 'list', '--scope', '10.1.0.0')).toContain('10.1.0.160');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Relationship lab replicated: 1 failover scope(s)');
  expect(tandem.cli(DC1, 'reservation', 'list', '--scope', '10.1.0.0')).not.toContain('10.1.0.160');

  await lab.locator('a', { hasText: 'Delete' }).click();
  await expect(page.locator('form.dialog')).toContainText('Delete relationship lab');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Relationship deleted from both servers');
  await expect(page.locator('tr[data-relationship="lab"]')).toHaveCount(0);
  await context.close();
  for (const url of seen) {
    expect(url).not.toContain('secret');
    expect(url).not.toContain('150');
  }
});

test('scopes are checked for drift, replicated, taken out of failover and deleted with JavaScript off', async ({ browser, tandem }) => {
  const { context, page } = await signedIn(browser, tandem.url, false);
  // A change behind Tandem's back: drift, found by Check drift now.
  tandem.cli(DHCP1, 'reservation', 'add', '--scope', '10.0.0.0', '--ip', '10.0.0.140', '--client-id', '00155DA76640');
  await page.goto(tandem.url + '/scopes');
  await page.click('#check-drift');
  await expect(page.locator('.notice-done')).toContainText('Drift checked');
  const row = page.locator(`tr[data-server="${DHCP1}"][data-scope="10.0.0.0"]`);
  await expect(row.locator('[data-drift]')).toHaveText('OutOfSync');
  await row.locator('a', { hasText: 'Replicate Scope' }).click();
  await expect(page.locator('#replication-preview li')).toHaveText([/^reservation 10\.0\.0\.140 added: /]);
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('replicated from dhcp1.contoso.com to dc1.contoso.com');
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.140']);

  // From Scope Properties: the dialog previews what will change on the partner, then
  // replicates exactly that.
  tandem.cli(DHCP1, 'reservation', 'add', '--scope', '10.0.0.0', '--ip', '10.0.0.141', '--client-id', '00155DA76641');
  await page.goto(`${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`);
  await page.click('#replicate-scope');
  await expect(page.locator('#replication-preview li')).toHaveText([/^reservation 10\.0\.0\.141 added: /]);
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.140']);
  // dc1 changes after the preview: refused, nothing written, the dialog again with the new one.
  tandem.cli(DC1, 'reservation', 'add', '--scope', '10.0.0.0', '--ip', '10.0.0.142', '--client-id', '00155DA76642');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('#dialog-error')).toContainText('changed since the preview');
  await expect(page.locator('#replication-preview li')).toHaveText([/^reservation 10\.0\.0\.141 added: /, /^reservation 10\.0\.0\.142 removed /]);
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.140', '10.0.0.142']);
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('replicated from dhcp1.contoso.com to dc1.contoso.com');
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.140', '10.0.0.141']);
  await page.goto(tandem.url + '/scopes');

  // Remove Failover: a confirmation first, then the partner's copy goes.
  await row.locator('a', { hasText: 'Remove Failover' }).click();
  await expect(page.locator('form.dialog')).toContainText('Remove failover from scope 10.0.0.0 on dhcp1.contoso.com');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Failover removed');
  expect(tandem.cli(DC1, 'scopes')).not.toContain('10.0.0.0');

  // Delete the scope from its own page: a confirmation, then gone.
  await page.goto(`${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`);
  await page.click('#delete-scope');
  await expect(page.locator('form.dialog')).toContainText('Delete scope 10.0.0.0 on dhcp1.contoso.com');
  await page.click('form.dialog button[type="submit"]');
  await expect(page).toHaveURL(/\/scopes\?flash=/);
  await expect(page.locator('.notice-done')).toContainText('Scope 10.0.0.0 deleted on dhcp1.contoso.com');
  expect(tandem.cli(DHCP1, 'scopes')).not.toContain('10.0.0.0');
  await context.close();
});

test('the Event Catalog filters with JavaScript off, the filters kept in the URL', async ({ browser, tandem }) => {
  const { context, page } = await signedIn(browser, tandem.url, false);
  await page.goto(tandem.url + '/events');
  await expect(page.locator('tr[data-action="sign_in"]').first()).toBeVisible();
  await page.fill('#filter-action', 'no_such_action');
  await page.click('form.filters button[type="submit"]');
  await expect(page).toHaveURL(/\/events\?.*action=no_such_action/);
  await expect(page.locator('#filter-action')).toHaveValue('no_such_action');
  await expect(page.locator('tr[data-action="sign_in"]')).toHaveCount(0);
  await context.close();
});

test('failover is configured on a scope and several scopes are replicated at once with JavaScript off', async ({ browser, tandem }) => {
  tandem.cli(DHCP1, 'scope-add', '--scope', '10.1.0.0', '--start', '10.1.0.10', '--end', '10.1.0.200', '--name', 'lab 10.1.0.0');
  const { context, page } = await signedIn(browser, tandem.url, false);
  await page.goto(tandem.url + '/scopes');
  // The scope was added behind Tandem's back: read the servers again.
  await page.click('#check-drift');
  const lab = page.locator(`tr[data-server="${DHCP1}"][data-scope="10.1.0.0"]`);
  await lab.locator('a', { hasText: 'Configure Failover' }).click();
  // A new relationship with a partner that does not exist: refused, the dialog again.
  await expect(page.locator('#partner')).toBeVisible();
  await page.fill('#partner', 'nowhere.contoso.com');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('#dialog-error')).toContainText('nowhere.contoso.com');
  await expect(page.locator('#partner')).toHaveValue('nowhere.contoso.com');
  // Into the existing relationship: the new relationship's fields go away, by the style sheet.
  await page.selectOption('#relationship', 'dhcp1.contoso.com-dc1.contoso.com');
  await expect(page.locator('#partner')).toBeHidden();
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Failover configured');
  expect(tandem.cli(DC1, 'scopes')).toContain('10.1.0.0');

  // Outside changes on both scopes, then both replicated at once.
  tandem.cli(DHCP1, 'reservation', 'add', '--scope', '10.0.0.0', '--ip', '10.0.0.150', '--client-id', '00155DA76650');
  tandem.cli(DHCP1, 'reservation', 'add', '--scope', '10.1.0.0', '--ip', '10.1.0.150', '--client-id', '00155DA76651');
  await page.goto(tandem.url + '/scopes');
  await expect(page.locator('#replicate-selected')).toBeHidden();
  for (const net of ['10.0.0.0', '10.1.0.0']) {
    await page.locator(`tr[data-server="${DHCP1}"][data-scope="${net}"] input.select-scope`).check();
  }
  await page.click('#replicate-selected');
  await expect(page.locator('form.dialog h2')).toHaveText('Replicate 2 selected scope(s)');
  await expect(page.locator('.scope-preview[data-scope="dhcp1.contoso.com/10.0.0.0"] li')).toHaveText([/^reservation 10\.0\.0\.150 added: /]);
  await expect(page.locator('.scope-preview[data-scope="dhcp1.contoso.com/10.1.0.0"] li')).toHaveText([/^reservation 10\.1\.0\.150 added: /]);
  expect(tandem.reservations(DC1)).not.toContain('10.0.0.150');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Selected scopes replicated: 2 failover scope(s)');
  expect(tandem.reservations(DC1)).toContain('10.0.0.150');
  expect(tandem.cli(DC1, 'reservation', 'list', '--scope', '10.1.0.0')).toContain('10.1.0.150');
  await context.close();
});

test('a scope is created (refused first) and edited with JavaScript off', async ({ browser, tandem }) => {
  const { context, page } = await signedIn(browser, tandem.url, false);
  await page.goto(tandem.url + '/scopes');
  await page.click('#new-scope');
  await page.fill('#server', DHCP1);
  await page.fill('#scope_id', '10.2.0.0');
  await page.fill('#subnet_mask', '/24');
  await page.fill('#name', 'lab two');
  await page.fill('#start', '10.2.0.10');
  await page.fill('#end', '10.2.1.200');
  // The spare option row: a router.
  await page.fill('.spare-option .option-code', '3');
  await page.selectOption('.spare-option .option-kind', 'Addresses');
  await page.fill('.spare-option .option-value', '10.2.0.1');
  await page.click('form.dialog button[type="submit"]');
  // Refused: the end is outside the subnet; everything typed is back, the option included.
  await expect(page.locator('[data-error-for="end"]')).not.toBeEmpty();
  await expect(page.locator('#name')).toHaveValue('lab two');
  await expect(page.locator('.option-row[data-option="0"] .option-value')).toHaveValue('10.2.0.1');
  // Buttons that need the page's code are not offered; the spare row is, with how to use it.
  await expect(page.locator('#add-router')).toBeHidden();
  await expect(page.locator('.option-row button', { hasText: 'Remove' })).toBeHidden();
  await expect(page.locator('.spare-option')).toBeVisible();
  await shoot(page, '44-no-js-scope-dialog-refused');
  await page.fill('#end', '10.2.0.200');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Scope 10.2.0.0 created on dhcp1.contoso.com');
  expect(tandem.cli(DHCP1, 'scopes')).toContain('10.2.0.0');

  await page.goto(`${tandem.url}/servers/${DHCP1}/scopes/10.2.0.0`);
  await expect(page.locator('[data-option="3"]')).toContainText('10.2.0.1');
  await page.click('#edit-scope');
  await expect(page.locator('#name')).toHaveValue('lab two');
  await page.fill('#name', 'lab 2');
  // An option is removed by clearing its row.
  await page.fill('.option-row[data-option="0"] .option-code', '');
  await page.fill('.option-row[data-option="0"] .option-value', '');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Scope saved');
  await expect(page.locator('#scope-name')).toHaveText('lab 2');
  await expect(page.locator('[data-option="3"]')).toHaveCount(0);
  await context.close();
});

test('the Dashboard reads and the global search finds with JavaScript off', async ({ browser, tandem }) => {
  const { context, page } = await signedIn(browser, tandem.url, false);
  await page.goto(tandem.url + '/');
  await expect(page.locator('#tile-out-of-sync .count')).toHaveText('0');
  await page.fill('input.global-search', '10.0.0.99');
  await page.press('input.global-search', 'Enter');
  await expect(page).toHaveURL(/\/search\?q=10\.0\.0\.99/);
  await expect(page.locator('tr[data-ip="10.0.0.99"]')).toHaveCount(2);
  await context.close();
});

test('the status pages are whole with JavaScript off: Dashboard, a scope\'s status, Failover Relationships, followed by links', async ({ browser, tandem }) => {
  const { context, page } = await signedIn(browser, tandem.url, false);
  await page.goto(tandem.url + '/');
  await expect(page.locator('main h1')).toHaveText('Dashboard');
  // Without the page's code nothing refreshes it: reloaded, as its reader would, until the
  // freshly started pair has reached Normal.
  await expect
    .poll(async () => {
      await page.reload();
      return page.locator('#tile-not-normal .count').innerText();
    }, { timeout: 15_000 })
    .toBe('0');
  await expect(page.locator('#tile-unreachable .count')).toHaveText('0');
  // Followed by a link (the browser's own navigation): the relationships, with both states.
  await page.click('header.top nav a[href="/relationships"]');
  await expect(page.locator('main h1')).toHaveText('Failover Relationships');
  const pair = page.locator(`tr[data-relationship="${DHCP1}-${DC1}"]`);
  await expect(pair.locator('[data-status="primary"]')).toHaveText('Normal');
  await expect(pair.locator('[data-status="secondary"]')).toHaveText('Normal');
  await expect(pair.locator('td[data-label="Mode"]')).toHaveText('LoadBalance 50%');
  // A scope's status: drift, failover, its reservation; reached by links from DHCP Scopes.
  await page.click('header.top nav a[href="/scopes"]');
  await page.click(`a[href="/servers/${DHCP1}/scopes/10.0.0.0"]`);
  await expect(page.locator('#drift [data-drift]')).toHaveText('InSync');
  await expect(page.locator('#scope-server')).toHaveText(DHCP1);
  await expect(page.locator('tr[data-ip="10.0.0.99"] td[data-label="ClientId"]')).toHaveText('aa-bb-cc-dd-ee-ff');
  await context.close();
});

test('what is typed before the page\'s code arrives is kept when it does', async ({ browser, tandem }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // The page's code is held back until the fields are typed, then let through.
  let release = () => {};
  const held = () => {
    const gate = new Promise<void>((r) => { release = r; });
    return page.route('**/pkg/*/tandem_bg.wasm', async (route) => { await gate; await route.continue(); });
  };
  const arrives = async () => {
    release();
    await page.waitForSelector('body[data-hydrated="true"]');
    await page.unrouteAll({ behavior: 'wait' });
  };

  // Sign-in: typed, then the code arrives, then OK pressed (handled by the code).
  await held();
  await page.goto(tandem.url + '/sign-in');
  await page.fill('#username', 'admin');
  await page.fill('#password', ADMIN_PASSWORD);
  await arrives();
  await expect(page.locator('#password')).toHaveValue(ADMIN_PASSWORD);
  await page.click('form.sign-in button[type="submit"]');
  await expect(page.locator('form.sign-in')).toHaveCount(0);

  // Create Reservation, opened by its link before the code arrived.
  await held();
  await page.goto(`${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0?dialog=new`);
  await page.fill('#ip_address', '10.0.0.140');
  await page.fill('#client_id', '00155DA76640');
  await page.selectOption('#type', 'Dhcp');
  await arrives();
  await expect(page.locator('#ip_address')).toHaveValue('10.0.0.140');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Reservation created');
  expect(tandem.cli(DC1, 'reservation', 'list', '--scope', '10.0.0.0')).toContain('10.0.0.140');

  // Edit Scope: a text field, a select, the exclusions and an option row.
  await held();
  await page.goto(`${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0?dialog=edit-scope`);
  await page.fill('#name', 'Contoso HQ');
  await page.selectOption('#state', 'Inactive');
  await page.fill('#exclusions', '10.0.0.200-10.0.0.210');
  await page.fill('.spare-option .option-code', '3');
  await page.selectOption('.spare-option .option-kind', 'Addresses');
  await page.fill('.spare-option .option-value', '10.0.0.1');
  await arrives();
  await expect(page.locator('#name')).toHaveValue('Contoso HQ');
  await expect(page.locator('#state')).toHaveValue('Inactive');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Scope saved');
  await expect(page.locator('#scope-name')).toHaveText('Contoso HQ');
  await expect(page.locator('#scope-state')).toHaveText('Inactive');
  await expect(page.locator('#exclusions li')).toHaveText(['10.0.0.200-10.0.0.210']);

  // Configure Failover, opened by its link before the code arrived: the dialog's own piece
  // of code (not part of the page's) is loaded before the dialog is hydrated.
  tandem.cli(DHCP1, 'scope-add', '--scope', '10.1.0.0', '--start', '10.1.0.10', '--end', '10.1.0.200', '--name', 'lab 10.1.0.0');
  await page.goto(tandem.url + '/scopes');
  await page.click('#check-drift');
  const lab = page.locator(`tr[data-server="${DHCP1}"][data-scope="10.1.0.0"]`);
  const configure = await lab.locator('a', { hasText: 'Configure Failover' }).getAttribute('href');
  await held();
  await page.goto(tandem.url + configure);
  await page.selectOption('#relationship', 'dhcp1.contoso.com-dc1.contoso.com');
  await arrives();
  await expect(page.locator('#relationship')).toHaveValue('dhcp1.contoso.com-dc1.contoso.com');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Failover configured');
  await expect(page.locator('form.dialog')).toHaveCount(0);
  expect(tandem.cli(DC1, 'scopes')).toContain('10.1.0.0');
  await context.close();
});

test('an API token is made (refused first), shown once and revoked with JavaScript off', async ({ browser, tandem }) => {
  const { context, page, seen } = await signedIn(browser, tandem.url, false);
  await page.goto(tandem.url + '/tokens');
  await page.fill('#name', '');
  await page.click('#create-token');
  await expect(page.locator('[data-error-for="name"]')).toContainText('1 to 64 characters');
  await page.fill('#name', 'cron job');
  await page.click('#create-token');
  await expect(page.locator('.notice-done')).toContainText('Token cron job created');
  const token = (await page.locator('#new-token').textContent())!.trim();
  expect(token).toMatch(/^tdm_/);
  // Shown once: the same page again no longer holds it; no URL ever did.
  await page.reload();
  await expect(page.locator('#new-token')).toHaveCount(0);
  expect(seen.some((u) => u.includes(token))).toBe(false);
  await page.locator('tr[data-token="cron job"] button[data-action="revoke"]').click();
  await expect(page.locator('tr[data-token="cron job"] .state')).toHaveText('revoked');
  await context.close();
});
