// Leases and utilization: the seed pair's leases fill DHCP Scopes' Usage column (sorted, and
// filtered "over N % full"), Scope Properties (with the partner's figure beside it) and the
// Dashboard's fullest scopes; Find a lease finds a lease on the partner holding it. The same
// pages whole with JavaScript off.
import { test, expect, open, shoot, signedInWithoutJavaScript, ADMIN_PASSWORD } from './fixtures';

const DHCP1 = 'dhcp1.contoso.com';
const DC1 = 'dc1.contoso.com';

test('leases are counted per scope and found on the partner holding them', async ({ page, tandem }) => {
  // Behind Tandem's back (the servers' own CLI): 30 leases on dhcp1, one of them also on dc1,
  // one expired, one declined.
  for (let i = 10; i < 40; i++) {
    const mac = `02-00-00-00-00-${i.toString(16).padStart(2, '0')}`;
    const extra = i === 38 ? ['--hours', '-2'] : i === 39 ? ['--declined'] : [];
    tandem.cli(DHCP1, 'lease', 'add', '--scope', '10.0.0.0', '--ip', `10.0.0.${i}`, '--client-id', mac, '--hostname', `pc${i}.contoso.com`, ...extra);
  }
  tandem.cli(DC1, 'lease', 'add', '--scope', '10.0.0.0', '--ip', '10.0.0.10', '--client-id', '02-00-00-00-00-0a', '--hostname', 'pc10.contoso.com');
  // A lease the server refuses: the CLI says which field, nothing added.
  expect(() => tandem.cli(DHCP1, 'lease', 'add', '--scope', '10.0.0.0', '--ip', '10.0.1.5', '--client-id', '02-00-00-00-00-99')).toThrow(/ip_address/);

  // The watch reads the figures; "Check drift now" runs its pass at once.
  await open(page, tandem.url + '/scopes');
  await page.click('#check-drift');
  const usage = (server: string) => page.locator(`tr[data-server="${server}"] td[data-label="Usage"] .usage-text`);
  // dhcp1: 29 of 254 in use (one expired), the reservation's address free of a lease: 30 not free.
  await expect(usage(DHCP1)).toHaveText('11.8 %');
  await expect(usage(DC1)).toHaveText('0.7 %');
  await expect(page.locator(`tr[data-server="${DHCP1}"] .usage`)).toHaveAttribute('title', '29 in use, 1 reserved, 224 free of 254');

  // Sorted by usage, fullest first; then only those over 5 % full.
  await page.click('th a.sort:has-text("Usage")');
  await expect(page).toHaveURL(/sort=usage/);
  await page.click('th a.sort:has-text("Usage")');
  await expect(page).toHaveURL(/sort=usage&order=desc/);
  await expect(page.locator('table.scopes tbody tr').first()).toHaveAttribute('data-server', DHCP1);
  await page.fill('input[name="usage_over"]', '5');
  await page.click('#apply-filters');
  await expect(page).toHaveURL(/usage_over=5/);
  await expect(page.locator('table.scopes tbody tr')).toHaveCount(1);
  await shoot(page, '42-scopes-usage');

  // Scope Properties: this server's figures and the partner's beside them.
  await open(page, tandem.url + `/servers/${DC1}/scopes/10.0.0.0`);
  await expect(page.locator('#scope-usage')).toContainText('1 in use, 1 reserved, 252 free of 254');
  await expect(page.locator('#partner-usage')).toContainText('29 in use, 1 reserved, 224 free of 254');
  await shoot(page, '43-properties-usage');

  // The Dashboard's fullest scopes, fullest first, each linked to its scope.
  await open(page, tandem.url + '/');
  const fullest = page.locator('#fullest li');
  await expect(fullest).toHaveCount(2);
  await expect(fullest.first()).toHaveAttribute('data-server', DHCP1);
  await expect(fullest.first().locator('.usage-text')).toHaveText('11.8 %');
  await shoot(page, '44-dashboard-fullest');

  // Find a lease: from the navigation, by address (both partners hold it), by MAC, by name.
  await page.click('header nav a[href="/leases"]');
  await expect(page).toHaveURL(/\/leases$/);
  await page.fill('#lease-text', '10.0.0.10');
  await page.press('#lease-text', 'Enter');
  await expect(page).toHaveURL(/\/leases\?q=10\.0\.0\.10/);
  await expect(page.locator('#lease-summary')).toHaveText('2 lease(s) for address 10.0.0.10 on the 2 server(s) searched.');
  const rows = page.locator('table.leases tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toHaveAttribute('data-server', DC1);
  await expect(rows.nth(1)).toHaveAttribute('data-server', DHCP1);
  await expect(rows.nth(0).locator('td[data-label="Host name"]')).toHaveText('pc10.contoso.com');
  await expect(rows.nth(0).locator('[data-state]')).toHaveText('active');
  await shoot(page, '45-leases');
  await rows.nth(0).locator('td[data-label="Scope"] a').click();
  await expect(page).toHaveURL(new RegExp(`/servers/${DC1}/scopes/10\\.0\\.0\\.0$`));

  await open(page, tandem.url + '/leases?q=02:00:00:00:00:26');
  await expect(page.locator('table.leases tbody tr [data-state]')).toHaveText('expired');
  await open(page, tandem.url + '/leases?q=PC39.contoso.com');
  await expect(page.locator('table.leases tbody tr [data-state]')).toHaveText('declined');
  // Not something to search for: said, nothing searched.
  await page.fill('#lease-text', 'no such <host>');
  await page.press('#lease-text', 'Enter');
  await expect(page.locator('#lease-error')).toContainText('not an IP address, a MAC address');

  // dc1 offline: named as not searched; dhcp1's lease still found.
  tandem.cli(DC1, 'stop');
  await open(page, tandem.url + '/leases?q=10.0.0.10');
  await expect(page.locator(`[data-unanswered="${DC1}"]`)).toContainText('was not searched');
  await expect(page.locator('table.leases tbody tr')).toHaveCount(1);
  tandem.cli(DC1, 'start');

  // With JavaScript off: the search and the figures, whole.
  const { context, page: off } = await signedInWithoutJavaScript(page.context().browser()!, tandem.url, { width: 1280, height: 900 });
  await off.goto(tandem.url + '/leases');
  await off.fill('#lease-text', 'aa-bb-cc-dd-ee-ff');
  await off.press('#lease-text', 'Enter');
  await expect(off.locator('#lease-summary')).toHaveText('No lease for MAC address aa-bb-cc-dd-ee-ff on the 2 server(s) searched.');
  await off.goto(tandem.url + '/scopes?usage_over=10');
  await expect(off.locator('table.scopes tbody tr')).toHaveCount(1);
  await expect(off.locator('td[data-label="Usage"] .usage-text')).toHaveText('11.8 %');
  await context.close();
});

// What can be done with a lease, as an administrator does it from Find a lease and Scope
// Properties: Reserve (the Create DHCP Reservation dialog filled from the lease), Delete (on
// both partners, after asking), Clear leases (the scope ID typed again). Plain forms: the same
// with JavaScript on (1280 px) and off (a 390 px phone).
for (const [label, javaScriptEnabled, width] of [
  ['with JavaScript on', true, 1280],
  ['with JavaScript off on a phone', false, 390],
] as const) {
  test(`a lease is reserved and deleted on both partners, a scope's leases cleared, ${label}`, async ({ browser, tandem }) => {
    for (const server of [DHCP1, DC1]) {
      for (const i of [50, 51]) {
        tandem.cli(server, 'lease', 'add', '--scope', '10.0.0.0', '--ip', `10.0.0.${i}`, '--client-id', `02-00-00-00-00-${i.toString(16)}`, '--hostname', `laptop${i}`);
      }
    }
    tandem.cli(DHCP1, 'lease', 'add', '--scope', '10.0.0.0', '--ip', '10.0.0.52', '--client-id', '02-00-00-00-00-34');
    const context = javaScriptEnabled
      ? await browser.newContext({ viewport: { width, height: 900 } })
      : (await signedInWithoutJavaScript(browser, tandem.url, { width, height: 844 })).context;
    const page = context.pages()[0] ?? (await context.newPage());
    if (javaScriptEnabled) {
      await page.goto(tandem.url + '/sign-in');
      await page.fill('#username', 'admin');
      await page.fill('#password', ADMIN_PASSWORD);
      await page.click('form.sign-in button[type="submit"]');
      await expect(page.locator('form.sign-in')).toHaveCount(0);
    }
    const go = (url: string) => (javaScriptEnabled ? open(page, url) : page.goto(url).then(() => undefined));
    const row = (server: string) => page.locator(`table.leases tbody tr[data-server="${server}"]`);

    // Reserve: the dialog of the lease's scope opens filled from it; saved, on both partners.
    await go(tandem.url + '/leases?q=10.0.0.50');
    await expect(page.locator('table.leases tbody tr')).toHaveCount(2);
    await shoot(page, `46-lease-actions-${javaScriptEnabled ? 'on' : 'off'}`);
    await page.setViewportSize({ width, height: 900 });
    await row(DHCP1).locator('[data-action="reserve"]').click();
    await expect(page).toHaveURL(new RegExp(`/servers/${DHCP1}/scopes/10\\.0\\.0\\.0\\?dialog=new`));
    await expect(page.locator('form.dialog')).toBeVisible();
    await expect(page.locator('#ip_address')).toHaveValue('10.0.0.50');
    await expect(page.locator('#client_id')).toHaveValue('02-00-00-00-00-32');
    await expect(page.locator('#name')).toHaveValue('laptop50');
    await page.click('form.dialog button[type="submit"]');
    await expect(page.locator('.notice-done')).toContainText('replicated to dc1.contoso.com');
    expect(tandem.reservations(DHCP1)).toContain('10.0.0.50');
    expect(tandem.reservations(DC1)).toContain('10.0.0.50');

    // Delete: asked first, then gone from both partners, said on the page.
    await go(tandem.url + '/leases?q=10.0.0.51');
    await expect(page.locator('table.leases tbody tr')).toHaveCount(2);
    await row(DC1).locator('[data-action="delete-lease"]').click();
    await expect(row(DC1).locator('details.confirm-inline')).toContainText('Delete the lease of 10.0.0.51');
    await row(DC1).locator('[data-action="confirm-delete-lease"]').click();
    await expect(page.locator('.notice-done')).toContainText('The lease of 10.0.0.51: 1 deleted on dc1.contoso.com, 1 on dhcp1.contoso.com.');
    await expect(page.locator('#lease-summary')).toContainText('No lease for address 10.0.0.51');
    expect(tandem.cli(DHCP1, 'lease', 'find', '--q', '10.0.0.51')).not.toContain('10.0.0.51');

    // Clear leases on Scope Properties: the wrong ID is refused, nothing deleted; the right one
    // clears the scope on both.
    await go(tandem.url + `/servers/${DHCP1}/scopes/10.0.0.0`);
    await page.click('[data-action="clear-leases"]');
    await page.fill('#clear-leases-confirm', '10.0.0.1');
    await page.click('[data-action="confirm-clear-leases"]');
    await expect(page.locator('.notice-failed')).toContainText("type the scope's ID, 10.0.0.0");
    expect(tandem.cli(DHCP1, 'lease', 'find', '--q', '10.0.0.52')).toContain('10.0.0.52');
    if (javaScriptEnabled) await page.waitForSelector('body[data-hydrated="true"]');
    await page.click('[data-action="clear-leases"]');
    await page.fill('#clear-leases-confirm', '10.0.0.0');
    await page.click('[data-action="confirm-clear-leases"]');
    await expect(page.locator('.notice-done')).toContainText('The leases of scope 10.0.0.0: 2 deleted on dhcp1.contoso.com, 1 on dc1.contoso.com.');
    await shoot(page, `47-leases-cleared-${javaScriptEnabled ? 'on' : 'off'}`);
    for (const server of [DHCP1, DC1]) {
      expect(tandem.cli(server, 'lease', 'find', '--q', '10.0.0.50')).not.toContain('10.0.0.50');
    }
    await context.close();
  });
}
