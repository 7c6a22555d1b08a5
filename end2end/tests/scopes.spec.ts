// Scopes, complete: created in the dialog with exclusions and typed options (a broken rule is
// refused field by field and writes nothing), put in failover, edited, and the edit found on
// both partners; the list's filters, order and page live in the URL; the global search finds a
// reservation on every server.
import { test, expect, open, shoot } from './fixtures';

const DHCP1 = 'dhcp1.contoso.com';
const DC1 = 'dc1.contoso.com';
const NET = '10.2.0.0';

test('a scope with exclusions and options is created, put in failover, edited, and both partners have it', async ({ page, tandem }) => {
  await open(page, tandem.url + '/scopes');
  await page.click('#new-scope');
  const dialog = page.locator('form.dialog');
  await page.fill('#server', DHCP1);
  await page.fill('#scope_id', NET);
  await page.fill('#subnet_mask', '255.255.255.0');
  await page.fill('#name', 'Branch office');
  await page.fill('#description', 'second floor');
  // Broken on purpose: the range leaves the subnet, an exclusion leaves the range, and the
  // router option is not an address.
  await page.fill('#start', '10.2.0.10');
  await page.fill('#end', '10.2.1.20');
  await page.fill('#exclusions', '10.9.0.1-10.9.0.5');
  await page.click('#add-router');
  await dialog.locator('.option-row').last().locator('.option-value').fill('not-an-address');
  await dialog.locator('button[type="submit"]').click();
  // Every refused field says why, all at once, and nothing is written.
  await expect(page.locator('[data-error-for="options"]')).toContainText('option 3');
  await expect(page.locator('[data-error-for="options"]')).toContainText('not an IPv4 address');
  await expect(page.locator('[data-error-for="end"]')).toContainText('not inside subnet');
  await expect(page.locator('[data-error-for="exclusions"]')).toContainText("outside the scope's range");
  await shoot(page, '30-scope-dialog-errors');
  expect(tandem.cli(DHCP1, 'scopes')).not.toContain(NET);

  await dialog.locator('.option-row').last().locator('.option-value').fill('10.2.0.1');
  await page.fill('#end', '10.2.0.200');
  await page.fill('#exclusions', '10.2.0.10-10.2.0.19');
  await page.click('#add-dns');
  await dialog.locator('.option-row').last().locator('.option-value').fill('10.2.0.2, 10.2.0.3');
  await page.click('#add-domain');
  await dialog.locator('.option-row').last().locator('.option-value').fill('branch.contoso.com');
  await dialog.locator('button[type="submit"]').click();
  await expect(page.locator('.notice-done')).toContainText('Scope created');
  expect(tandem.cli(DHCP1, 'scopes')).toContain(NET);
  expect(tandem.cli(DC1, 'scopes')).not.toContain(NET);

  // Into the seed's relationship: the partner gets a whole copy.
  await open(page, `${tandem.url}/scopes?scope=${NET}`);
  await expect(page.locator('table.scopes tbody tr')).toHaveCount(1);
  await page.locator(`tr[data-server="${DHCP1}"][data-scope="${NET}"] a`, { hasText: 'Configure Failover' }).click();
  await page.selectOption('#relationship', 'dhcp1.contoso.com-dc1.contoso.com');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Failover configured');
  await expect(page.locator('table.scopes tbody tr')).toHaveCount(2);
  expect(tandem.cli(DC1, 'scopes')).toContain(NET);

  // Edit every kind of property on dhcp1: it reaches dc1 with no replicate pressed.
  await open(page, `${tandem.url}/servers/${DHCP1}/scopes/${NET}`);
  await expect(page.locator('#options li')).toHaveText([
    '3 Router: 10.2.0.1',
    '6 DNS Servers: 10.2.0.2, 10.2.0.3',
    '15 DNS Domain Name: branch.contoso.com',
  ]);
  await page.click('#edit-scope');
  await expect(page.locator('#name')).toHaveValue('Branch office');
  await page.fill('#name', 'Branch office (moved)');
  await page.fill('#end', '10.2.0.250');
  await page.fill('#lease_duration_secs', '3600');
  await page.selectOption('#state', 'Inactive');
  await page.fill('#exclusions', '10.2.0.10-10.2.0.19\n10.2.0.240-10.2.0.250');
  await page.locator('form.dialog .option-row').nth(1).locator('.option-value').fill('10.2.0.4');
  await page.locator('form.dialog .option-row').nth(2).getByRole('button', { name: 'Remove' }).click();
  await page.click('#add-option');
  const other = page.locator('form.dialog .option-row').last();
  await other.locator('.option-code').fill('42');
  await other.locator('.option-kind').selectOption('Addresses');
  await other.locator('.option-value').fill('10.2.0.5');
  await page.locator('form.dialog button[type="submit"]').click();
  await expect(page.locator('.notice-done')).toContainText('Scope saved');
  await expect(page.locator('.notice-done')).toContainText('dc1.contoso.com');
  await shoot(page, '31-scope-properties-after-edit');

  for (const server of [DHCP1, DC1]) {
    await open(page, `${tandem.url}/servers/${server}/scopes/${NET}`);
    await expect(page.locator('#scope-name')).toHaveText('Branch office (moved)');
    await expect(page.locator('#scope-range')).toHaveText('10.2.0.10 – 10.2.0.250');
    await expect(page.locator('#scope-lease')).toHaveText('3600 s (1 hour)');
    await expect(page.locator('#scope-state')).toHaveText('Inactive');
    await expect(page.locator('#exclusions li')).toHaveText(['10.2.0.10-10.2.0.19', '10.2.0.240-10.2.0.250']);
    await expect(page.locator('#options li')).toHaveText(['3 Router: 10.2.0.1', '6 DNS Servers: 10.2.0.4', '42 ntp-servers: 10.2.0.5']);
    await expect(page.locator('#drift [data-drift]')).toHaveText('InSync');
    expect(tandem.cli(server, 'scopes')).toContain('Branch office (moved)');
  }
});

test('scope lists filter, sort and page on the server, and the URL keeps the view', async ({ page, tandem }) => {
  for (let i = 1; i <= 12; i++) {
    tandem.cli(DHCP1, 'scope-add', '--scope', `10.${100 + i}.0.0`, '--prefix', '24', '--name', `lab ${String(i).padStart(2, '0')}`, '--start', `10.${100 + i}.0.10`, '--end', `10.${100 + i}.0.99`);
  }
  // 12 lab scopes + the seed's scope on two servers; ten rows a page, by name, descending.
  await open(page, `${tandem.url}/scopes?server=${DHCP1}&sort=name&order=desc&per_page=10`);
  await page.click('#check-drift');
  await expect(page.locator('.pager-count')).toHaveText('1–10 of 13');
  await expect(page.locator('table.scopes tbody tr').first().locator('td[data-label="Name"]')).toHaveText('lab 12');
  await page.click('a[rel="next"]');
  await expect(page).toHaveURL(/page=2/);
  await expect(page.locator('.pager-count')).toHaveText('11–13 of 13');
  await expect(page.locator('table.scopes tbody tr').last().locator('td[data-label="Name"]')).toHaveText('Contoso');
  // A reload shows the same page.
  await page.reload();
  await page.waitForSelector('body[data-hydrated="true"]');
  await expect(page.locator('.pager-count')).toHaveText('11–13 of 13');

  // Filters by form: name and sync status.
  await open(page, `${tandem.url}/scopes`);
  await page.fill('input[name="name"]', 'LAB 0');
  await page.click('#apply-filters');
  await expect(page).toHaveURL(/name=LAB(%20|\+)0/);
  await expect(page.locator('.pager-count')).toHaveText('1–9 of 9');
  await open(page, `${tandem.url}/scopes?sync=in-sync`);
  await expect(page.locator('table.scopes tbody tr')).toHaveCount(2);
  await open(page, `${tandem.url}/scopes?sync=not-in-failover&state=active`);
  await expect(page.locator('.pager-count')).toHaveText('1–12 of 12');
  await shoot(page, '32-scopes-filtered');

  // The global search, from the top bar: by address, by MAC in another spelling, by name.
  await page.fill('input.global-search', '10.0.0.99');
  await page.press('input.global-search', 'Enter');
  await expect(page).toHaveURL(/\/search\?q=10\.0\.0\.99/);
  await expect(page.locator('table.hits tbody tr')).toHaveCount(2);
  await expect(page.locator(`table.hits tr[data-server="${DC1}"]`)).toHaveCount(1);
  await open(page, `${tandem.url}/search?q=AA:BB:CC:DD:EE:FF`);
  await expect(page.locator('table.hits tbody tr')).toHaveCount(2);
  await open(page, `${tandem.url}/search?q=TES`);
  await expect(page.locator('table.hits tbody tr')).toHaveCount(2);
  await shoot(page, '33-search');
  await open(page, `${tandem.url}/search?q=nobody-has-this`);
  await expect(page.locator('#no-hits')).toBeVisible();

  // Delete Scope: refused while the scope is in failover, done otherwise.
  await open(page, `${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`);
  page.once('dialog', (d) => d.accept());
  await page.click('#delete-scope');
  await expect(page.locator('.notice-failed')).toContainText('remove failover first');
  expect(tandem.cli(DHCP1, 'scopes')).toContain('10.0.0.0');
  await open(page, `${tandem.url}/servers/${DHCP1}/scopes/10.112.0.0`);
  page.once('dialog', (d) => d.accept());
  await page.click('#delete-scope');
  await expect(page).toHaveURL(/\/scopes$/);
  expect(tandem.cli(DHCP1, 'scopes')).not.toContain('10.112.0.0');
  await expect(page.locator('tr[data-scope="10.112.0.0"]')).toHaveCount(0);
});
