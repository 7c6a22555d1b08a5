// Team use: two people signed in at once see each other's changes live; roles decide what is
// offered and what the server accepts; edits never silently overwrite; every change lands in
// the Event Catalog.
import type { Browser } from '@playwright/test';
import { test, expect, open, shoot, signIn, ADMIN_PASSWORD, type Tandem } from './fixtures';

const SCOPE_PAGE = '/servers/dhcp1.contoso.com/scopes/10.0.0.0';
const PASSWORD = 'a long enough password';

/** Bob, a reservations administrator signed in from another browser on Scope Properties, and
 *  his adding one reservation there at a time (numbered from `from` + 1); `n` is the last one. */
async function bobOnTheScope(browser: Browser, tandem: Tandem, from: number) {
  tandem.users('add', 'bob', '--role', 'DhcpReservationsAdministrator', '--password', PASSWORD);
  const context = await browser.newContext();
  const bob = await context.newPage();
  await signIn(bob, tandem.url, 'bob', PASSWORD);
  await open(bob, tandem.url + SCOPE_PAGE);
  const state = { n: from };
  const addsOne = async () => {
    state.n += 1;
    await bob.click('#create-reservation');
    await bob.fill('#ip_address', `10.0.0.${state.n}`);
    await bob.fill('#client_id', `00155DA76${state.n}`);
    await bob.click('form.dialog button[type="submit"]');
    await expect(bob.locator('.notice-done')).toContainText('Reservation created');
    return state.n;
  };
  return { addsOne, close: () => context.close() };
}

test('two signed-in users see each other\'s changes without a reload', async ({ page, tandem, browser }) => {
  tandem.users('add', 'bob', '--role', 'DhcpReservationsAdministrator', '--password', PASSWORD);
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signIn(bob, tandem.url, 'bob', PASSWORD);
  await open(bob, tandem.url + SCOPE_PAGE);
  await open(page, tandem.url + SCOPE_PAGE);

  // Admin creates; Bob's open page shows it within a second.
  await page.click('#create-reservation');
  await page.fill('#ip_address', '10.0.0.120');
  await page.fill('#client_id', '00155DA76620');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('replicated to dc1.contoso.com');
  await expect(bob.locator('tr[data-ip="10.0.0.120"]')).toBeVisible({ timeout: 1000 });

  // Bob deletes; the admin's page loses the row within a second.
  bob.once('dialog', (d) => d.accept());
  await bob.locator('tr[data-ip="10.0.0.120"] a', { hasText: 'Delete' }).click();
  await expect(page.locator('tr[data-ip="10.0.0.120"]')).toHaveCount(0, { timeout: 1000 });

  // A change on the scopes list too (another page, same stream).
  await open(bob, tandem.url + '/scopes');
  await page.click('#create-reservation');
  await page.fill('#ip_address', '10.0.0.121');
  await page.fill('#client_id', '00155DA76621');
  await page.click('form.dialog button[type="submit"]');
  await expect(bob.locator('tr[data-server="dc1.contoso.com"] .reservation-count')).toHaveText('2', { timeout: 1000 });
  await bobContext.close();
});

test('what is typed in an open dialog survives another user\'s change arriving', async ({ page, tandem, browser }) => {
  const bob = await bobOnTheScope(browser, tandem, 130);
  const bobAddsOne = async (onAdminsPage = true) => {
    const n = await bob.addsOne();
    // The admin's page has read the scope again: Bob's row is under the open dialog.
    if (onAdminsPage) await expect(page.locator(`tr[data-ip="10.0.0.${n}"]`)).toHaveCount(1);
  };

  // Edit Scope, opened in place and opened by its link's URL.
  for (const how of ['in place', 'by URL']) {
    if (how === 'in place') {
      await open(page, tandem.url + SCOPE_PAGE);
      await page.click('#edit-scope');
    } else {
      await open(page, tandem.url + SCOPE_PAGE + '?dialog=edit-scope');
    }
    await page.fill('#name', `Contoso (${how})`);
    await page.fill('#lease_duration_secs', '7200');
    await bobAddsOne();
    await expect(page.locator('#name')).toHaveValue(`Contoso (${how})`);
    await expect(page.locator('#lease_duration_secs')).toHaveValue('7200');
    await page.click('form.dialog button[type="submit"]');
    await expect(page.locator('.notice-done')).toContainText('Scope saved');
    await expect(page.locator('#scope-name')).toHaveText(`Contoso (${how})`);
  }

  // Create Reservation, opened by its link's URL.
  await open(page, tandem.url + SCOPE_PAGE + '?dialog=new');
  await page.fill('#ip_address', '10.0.0.150');
  await page.fill('#client_id', '00155DA76650');
  await bobAddsOne();
  await expect(page.locator('#ip_address')).toHaveValue('10.0.0.150');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Reservation created');
  await expect(page.locator('tr[data-ip="10.0.0.150"]')).toHaveCount(1);

  // A user and a relationship, each edited in a dialog opened by its link's URL: the page
  // reads its list again when Bob's change arrives, and the dialog keeps what is typed.
  await open(page, tandem.url + '/users?dialog=edit&user=bob');
  await page.fill('#display_name', 'Bob B.');
  let reread = page.waitForResponse((r) => r.url().includes('/api/list_users'));
  await bobAddsOne(false);
  await reread;
  await expect(page.locator('#display_name')).toHaveValue('Bob B.');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('tr[data-user="bob"]')).toContainText('Bob B.');

  const relationship = 'dhcp1.contoso.com-dc1.contoso.com';
  await open(page, `${tandem.url}/relationships?dialog=edit&relationship=${relationship}`);
  await page.fill('#max_client_lead_time_secs', '1800');
  reread = page.waitForResponse((r) => r.url().includes('/api/relationship_list'));
  await bobAddsOne(false);
  await reread;
  await expect(page.locator('#max_client_lead_time_secs')).toHaveValue('1800');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toBeVisible();
  await bob.close();
});

test('another user\'s change arriving keeps the ticked boxes, the focus and the sideways scroll of a list', async ({ page, tandem, browser }) => {
  const bob = await bobOnTheScope(browser, tandem, 160);
  // Narrow enough for the scopes' table to scroll sideways in its frame.
  await page.setViewportSize({ width: 900, height: 800 });

  // DHCP Scopes: one box ticked, the other row's Replicate button focused, the frame scrolled.
  await open(page, tandem.url + '/scopes');
  const frame = page.locator('.table-wrap');
  await page.check('input.select-scope[value="dhcp1.contoso.com/10.0.0.0"]');
  const replicateDc1 = page.locator('tr[data-server="dc1.contoso.com"] a', { hasText: 'Replicate Scope' });
  await replicateDc1.focus();
  const scrolled = await frame.evaluate((f) => { f.scrollLeft = 150; return f.scrollLeft; });
  expect(scrolled, 'the frame scrolls sideways at this width').toBeGreaterThan(0);
  await bob.addsOne();
  // The list was drawn again (the counts changed), and nothing the user did was lost.
  await expect(page.locator('tr[data-server="dhcp1.contoso.com"] .reservation-count')).toHaveText('2');
  await expect(page.locator('input.select-scope[value="dhcp1.contoso.com/10.0.0.0"]')).toBeChecked();
  await expect(page.locator('input.select-scope[value="dc1.contoso.com/10.0.0.0"]')).not.toBeChecked();
  await expect(replicateDc1).toBeFocused();
  expect(await frame.evaluate((f) => f.scrollLeft)).toBe(scrolled);
  await expect(page.locator('#replicate-selected')).toBeVisible();

  // Scope Properties: a row's Edit link stays focused while another user's row is added.
  await open(page, tandem.url + SCOPE_PAGE);
  const edit99 = page.locator('tr[data-ip="10.0.0.99"] a', { hasText: 'Edit' });
  await edit99.focus();
  let n = await bob.addsOne();
  await expect(page.locator(`tr[data-ip="10.0.0.${n}"]`)).toHaveCount(1);
  await expect(edit99).toBeFocused();
  // The Edit dialog opened from it, closed with Escape while another change arrives, gives the
  // focus back to the same link in the list drawn again.
  await page.keyboard.press('Enter');
  await expect(page.locator('[role="dialog"]')).toBeVisible();
  n = await bob.addsOne();
  await expect(page.locator(`tr[data-ip="10.0.0.${n}"]`)).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(page.locator('[role="dialog"]')).toHaveCount(0);
  await expect(edit99).toBeFocused();
  await bob.close();
});

test('a read-only user is offered no changes, and the server refuses them anyway', async ({ browser, tandem }) => {
  tandem.users('add', 'reader', '--role', 'User', '--password', PASSWORD);
  const context = await browser.newContext();
  const reader = await context.newPage();
  await signIn(reader, tandem.url, 'reader', PASSWORD);
  await open(reader, tandem.url + SCOPE_PAGE);
  await expect(reader.locator('tr[data-ip="10.0.0.99"]')).toBeVisible();
  await expect(reader.locator('#create-reservation')).toHaveCount(0);
  await expect(reader.locator('#replicate-scope')).toHaveCount(0);
  await expect(reader.locator('tr[data-ip="10.0.0.99"] button')).toHaveCount(0);
  await expect(reader.locator('header nav a', { hasText: 'Users and Roles' })).toHaveCount(0);
  // The same call the dialog would make, sent by hand with the reader's session.
  const response = await reader.request.post(tandem.url + '/api/create_reservation', {
    headers: { 'content-type': 'application/json', origin: tandem.url },
    data: { input: { target: { server: 'dhcp1.contoso.com', scope_id: '10.0.0.0' }, reservation: { ip_address: '10.0.0.130', client_id: '00155DA76630' } } },
  });
  expect(response.ok()).toBeFalsy();
  expect(await response.text()).toContain('may not change reservations');
  expect(tandem.reservations('dhcp1.contoso.com')).toEqual(['10.0.0.99']);
  await shoot(reader, '10-read-only');
  await context.close();
});

test('a stale edit shows the current value instead of overwriting it', async ({ page, tandem, browser }) => {
  tandem.users('add', 'carol', '--role', 'DhcpScopeAdministrator', '--password', PASSWORD);
  const context = await browser.newContext();
  const carol = await context.newPage();
  await signIn(carol, tandem.url, 'carol', PASSWORD);
  await open(carol, tandem.url + SCOPE_PAGE);
  await open(page, tandem.url + SCOPE_PAGE);
  // Both open the Edit dialog of 10.0.0.99.
  await page.locator('tr[data-ip="10.0.0.99"] a', { hasText: 'Edit' }).click();
  await carol.locator('tr[data-ip="10.0.0.99"] a', { hasText: 'Edit' }).click();
  await page.fill('#name', 'admin was here');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Reservation saved on dhcp1.contoso.com and replicated to dc1.contoso.com');
  // Carol's dialog is still open on the old version.
  await carol.fill('#description', 'carol was here');
  await carol.click('form.dialog button[type="submit"]');
  await expect(carol.locator('#dialog-error')).toContainText('changed by someone else');
  await expect(carol.locator('#name')).toHaveValue('admin was here');
  await shoot(carol, '11-stale-edit');
  const listed = tandem.cli('dhcp1.contoso.com', 'reservation', 'list', '--scope', '10.0.0.0');
  expect(listed).toContain('admin was here');
  expect(listed).not.toContain('carol was here');
  // Deliberately again, on the current version: now it applies.
  await carol.fill('#description', 'carol was here');
  await carol.click('form.dialog button[type="submit"]');
  await expect(carol.locator('.notice-done')).toContainText('Reservation saved');
  expect(tandem.cli('dc1.contoso.com', 'reservation', 'list', '--scope', '10.0.0.0')).toContain('carol was here');
  await context.close();
});

test('administrators manage users; a disabled user is signed out', async ({ page, tandem, browser }) => {
  await open(page, tandem.url + '/users');
  await page.click('#create-user');
  await page.fill('#username', 'dan');
  await page.selectOption('#role', 'DhcpReservationsAdministrator');
  await page.fill('#new-password', 'short');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('[data-error-for="password"]')).toContainText('at least 10 characters');
  await page.fill('#new-password', PASSWORD);
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('User dan created');
  await expect(page.locator('tr[data-user="dan"] .role')).toHaveText('DHCP Reservations Administrator');
  await shoot(page, '12-users');

  const context = await browser.newContext();
  const dan = await context.newPage();
  await signIn(dan, tandem.url, 'dan', PASSWORD);
  await open(dan, tandem.url + SCOPE_PAGE);

  await page.locator('tr[data-user="dan"] a', { hasText: 'Edit' }).click();
  await page.check('#disabled');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('tr[data-user="dan"] .state')).toHaveText('disabled');
  // Dan's next page load goes to sign-in, and signing in again fails.
  await dan.goto(tandem.url + SCOPE_PAGE);
  await expect(dan).toHaveURL(/\/sign-in\?next=/);
  await dan.fill('#username', 'dan');
  await dan.fill('#password', PASSWORD);
  await dan.click('form.sign-in button[type="submit"]');
  await expect(dan.locator('#sign-in-error')).toContainText('user name or password is wrong');
  await context.close();
});

test('the Event Catalog shows who changed what, filters, and exports CSV', async ({ page, tandem }) => {
  await open(page, tandem.url + SCOPE_PAGE);
  await page.click('#create-reservation');
  await page.fill('#ip_address', '10.0.0.140');
  await page.fill('#client_id', '00155DA76640');
  await page.fill('#name', 'printer');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toBeVisible();

  await open(page, tandem.url + '/events');
  const created = page.locator('tr[data-action="create_reservation"]').first();
  await expect(created.locator('td[data-label="User"]')).toHaveText('admin');
  await expect(created.locator('td[data-label="Object"]')).toHaveText('reservation 10.0.0.140 in scope 10.0.0.0');
  await expect(created.locator('td[data-label="Replication"]')).toHaveText('replicated to dc1.contoso.com');
  await expect(created.locator('td[data-label="After"]')).toContainText('printer');
  await expect(page.locator('tr[data-action="sign_in"]').first()).toBeVisible();

  await page.fill('#filter-action', 'sign_in');
  await page.click('form.filters button[type="submit"]');
  await expect(page.locator('tr[data-action="create_reservation"]')).toHaveCount(0);
  await expect(page.locator('tr[data-action="sign_in"]').first()).toBeVisible();
  await shoot(page, '13-events');

  const href = await page.locator('#export-csv').getAttribute('href');
  const csv = await page.request.get(tandem.url + href);
  expect(csv.headers()['content-type']).toContain('text/csv');
  const text = await csv.text();
  expect(text.split('\r\n')[0]).toBe('id,at,actor,action,object_type,server,object,outcome,replication,before,after');
  expect(text).toContain('sign_in');
  expect(text).not.toContain('create_reservation');
  expect(text).not.toContain(ADMIN_PASSWORD);
});

test('signing out ends the session; a wrong password says nothing about the account', async ({ page, tandem }) => {
  await open(page, tandem.url + '/scopes');
  await page.click('#sign-out');
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto(tandem.url + '/');
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await page.waitForSelector('body[data-hydrated="true"]');
  for (const user of ['admin', 'nobody']) {
    await page.fill('#username', user);
    await page.fill('#password', 'wrong password');
    await page.click('form.sign-in button[type="submit"]');
    await expect(page.locator('#sign-in-error')).toHaveText('the user name or password is wrong, or the account is disabled');
  }
  await shoot(page, '14-sign-in');
});

test('sign-in works before the page has loaded and with JavaScript off, and puts nothing typed in a URL', async ({ browser, tandem }) => {
  const WRONG = 'the user name or password is wrong, or the account is disabled';
  const seen: string[] = [];
  // JavaScript off: the form posts natively, errors come back on the form.
  const off = await browser.newContext({ javaScriptEnabled: false });
  const page = await off.newPage();
  page.on('request', (r) => seen.push(r.url()));
  await page.goto(tandem.url + '/scopes');
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await page.fill('#username', 'admin');
  await page.fill('#password', 'wrong password');
  await page.click('form.sign-in button[type="submit"]');
  await expect(page.locator('#sign-in-error')).toHaveText(WRONG);
  await page.fill('#username', 'admin');
  await page.fill('#password', ADMIN_PASSWORD);
  await page.click('form.sign-in button[type="submit"]');
  await expect(page).toHaveURL(tandem.url + '/scopes');
  await expect(page.locator('h1')).toHaveText('DHCP Scopes');
  expect((await off.cookies()).map((c) => c.name)).toContain('tandem_session');
  await off.close();
  // An impatient user: the page's code never arrives, the click still signs in.
  const early = await browser.newContext();
  const impatient = await early.newPage();
  impatient.on('request', (r) => seen.push(r.url()));
  await impatient.route('**/pkg/**', (route) => route.abort());
  await impatient.goto(tandem.url + '/sign-in');
  await impatient.fill('#username', 'admin');
  await impatient.fill('#password', ADMIN_PASSWORD);
  await impatient.click('form.sign-in button[type="submit"]');
  await expect(impatient).toHaveURL(tandem.url + '/');
  await expect(impatient.locator('form.sign-in')).toHaveCount(0);
  expect((await early.cookies()).map((c) => c.name)).toContain('tandem_session');
  await early.close();
  for (const url of seen) {
    expect(url).not.toContain('password');
    expect(url).not.toContain(encodeURIComponent(ADMIN_PASSWORD));
    expect(url).not.toContain('username=');
  }
});

test('a user makes an API token, a script uses it, and revoking it stops the script', async ({ page, tandem, request }) => {
  await open(page, tandem.url + '/');
  await page.click('#api-tokens');
  await expect(page).toHaveURL(/\/tokens$/);
  await expect(page.locator('#no-tokens')).toBeVisible();
  // Refused beside its field; nothing made.
  await page.fill('#name', 'nightly');
  await page.fill('#expires_in_days', 'soon');
  await page.click('#create-token');
  await expect(page.locator('[data-error-for="expires_in_days"]')).toContainText('not a number of days');
  await expect(page.locator('#no-tokens')).toBeVisible();
  await page.fill('#expires_in_days', '30');
  await page.click('#create-token');
  const token = (await page.locator('#new-token').textContent())!.trim();
  expect(token).toMatch(/^tdm_[0-9a-f]{64}$/);
  await expect(page.locator('tr[data-token="nightly"] .state')).toHaveText('active');
  await shoot(page, '50-api-tokens');

  // A script, with the token only.
  const me = await request.get(tandem.url + '/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).via).toBe('API token nightly');

  // Shown once: a reload lists the token, never its value.
  await page.reload();
  await page.waitForSelector('body[data-hydrated="true"]');
  await expect(page.locator('#new-token')).toHaveCount(0);
  expect(await page.content()).not.toContain(token);
  await expect(page.locator('tr[data-token="nightly"] td[data-label="Last used"]')).not.toHaveText('never');

  await page.locator('tr[data-token="nightly"] button[data-action="revoke"]').click();
  await expect(page.locator('.notice-done')).toContainText('Token nightly revoked');
  await expect(page.locator('tr[data-token="nightly"] .state')).toHaveText('revoked');
  const refused = await request.get(tandem.url + '/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
});
