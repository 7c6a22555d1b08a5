// A reservation's own option values, edited in the Create/Edit DHCP Reservation dialog with
// the same option editor as a scope's: refused beside the options, then made on both partners,
// edited, removed; with the page's code on a 1280 px screen, and with JavaScript off on a
// 390 px phone.
import { test, expect, open, shoot, signedInWithoutJavaScript } from './fixtures';

const DHCP1 = 'dhcp1.contoso.com';
const DC1 = 'dc1.contoso.com';

test("a reservation's own options are made, refused first, edited and removed on both partners", async ({ page, tandem }) => {
  await open(page, `${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`);
  await page.click('#create-reservation');
  await expect(page.locator('form.dialog')).toBeVisible();
  await page.fill('#ip_address', '10.0.0.140');
  await page.fill('#client_id', '00-15-5d-a7-66-40');
  await page.fill('#name', 'desk-phone');
  // A new reservation's client is a MAC address until another type is chosen.
  await expect(page.locator('#identifier_type')).toHaveValue('hw-address');
  await page.click('form.dialog #add-router');
  const rows = page.locator('form.dialog .option-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0).locator('.option-code')).toHaveValue('3');
  await rows.nth(0).locator('.option-value').fill('10.0.0.300');
  await page.click('form.dialog #add-option');
  await rows.nth(1).locator('.option-code').fill('66');
  await rows.nth(1).locator('.option-value').fill('tftp.contoso.com, backup');
  await page.click('form.dialog button[type="submit"]');
  // Refused beside the options, the dialog as typed; nothing made on either partner.
  await expect(page.locator('form.dialog [data-error-for="options"]')).toContainText('10.0.0.300');
  await expect(rows).toHaveCount(2);
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99']);
  await shoot(page, '53-reservation-option-refused');
  await rows.nth(0).locator('.option-value').fill('10.0.0.1');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('replicated to dc1.contoso.com');
  // A comma in a text value is the value's.
  const both = 'routers (3) 10.0.0.1, tftp-server-name (66) tftp.contoso.com, backup';
  await expect(page.locator('tr[data-ip="10.0.0.140"] [data-label="Settings"]')).toHaveText(both);
  await open(page, `${tandem.url}/servers/${DC1}/scopes/10.0.0.0`);
  await expect(page.locator('tr[data-ip="10.0.0.140"] [data-label="Settings"]')).toHaveText(both);

  // Edited on the partner (it replicates back): the dialog opens on the options; one removed.
  await page.click('tr[data-ip="10.0.0.140"] a:has-text("Edit")');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1).locator('.option-value')).toHaveValue('tftp.contoso.com, backup');
  await shoot(page, '54-reservation-options');
  await rows.nth(0).locator('button:has-text("Remove")').click();
  await expect(rows).toHaveCount(1);
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Reservation saved');
  const one = 'tftp-server-name (66) tftp.contoso.com, backup';
  await expect(page.locator('tr[data-ip="10.0.0.140"] [data-label="Settings"]')).toHaveText(one);
  await open(page, `${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`);
  await expect(page.locator('tr[data-ip="10.0.0.140"] [data-label="Settings"]')).toHaveText(one);
  // The scope's drift: both copies alike.
  await open(page, `${tandem.url}/scopes`);
  await page.click('#check-drift');
  await expect(page.locator('.notice-done')).toContainText('Drift checked');
  await expect(page.locator(`tr[data-server="${DHCP1}"][data-scope="10.0.0.0"] [data-drift]`)).toHaveText('InSync');
});

test('a reservation option is added with JavaScript off on a phone, refused first', async ({ browser, tandem }) => {
  const { context, page } = await signedInWithoutJavaScript(browser, tandem.url);
  await page.goto(`${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`);
  await page.click('#create-reservation');
  await page.fill('#ip_address', '10.0.0.141');
  await page.fill('#client_id', '00-15-5d-a7-66-41');
  // Without the page's code, one spare row: a value longer than an option carries.
  const spare = page.locator('form.dialog .spare-option');
  await spare.locator('.option-code').fill('67');
  await spare.locator('.option-kind').selectOption('Text');
  await spare.locator('.option-value').fill('x'.repeat(256));
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('form.dialog [data-error-for="options"]')).toContainText('at most 255 bytes');
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99']);
  // The row comes back as typed, with a new spare row below it.
  const row = page.locator('form.dialog .option-row');
  await expect(row.locator('.option-code')).toHaveValue('67');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  // The dialog scrolls within the screen: shown at its options.
  await page.locator('form.dialog fieldset.options').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screenshots/55-reservation-option-no-js-390.png' });
  await row.locator('.option-value').fill('phones/boot.cfg');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('replicated to dc1.contoso.com');
  await expect(page.locator('tr[data-ip="10.0.0.141"] [data-label="Settings"]')).toHaveText('boot-file-name (67) phones/boot.cfg');
  await page.goto(`${tandem.url}/servers/${DC1}/scopes/10.0.0.0`);
  await expect(page.locator('tr[data-ip="10.0.0.141"] [data-label="Settings"]')).toHaveText('boot-file-name (67) phones/boot.cfg');
  await context.close();
});

test("options of other types: a list of names by its fields, raw hex, each checked by its type", async ({ page, tandem }) => {
  await open(page, `${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`);
  await page.click('#create-reservation');
  await expect(page.locator('form.dialog')).toBeVisible();
  await page.fill('#ip_address', '10.0.0.142');
  await page.fill('#client_id', '00-15-5d-a7-66-42');
  const rows = page.locator('form.dialog .option-row');
  await page.click('form.dialog #add-option');
  await rows.nth(0).locator('.option-code').fill('119');
  await rows.nth(0).locator('.option-kind').selectOption('Data');
  await rows.nth(0).locator('.option-value').fill('contoso.com, bad name!');
  await page.click('form.dialog #add-option');
  await rows.nth(1).locator('.option-code').fill('43');
  await rows.nth(1).locator('.option-kind').selectOption('Hex');
  await rows.nth(1).locator('.option-value').fill('01:04:c0:a8:00:01');
  await page.click('form.dialog button[type="submit"]');
  // Refused by the field's type in Kea's table, beside the options; nothing made.
  await expect(page.locator('form.dialog [data-error-for="options"]')).toContainText("field 2 ('bad name!'): is not a domain name");
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99']);
  await rows.nth(0).locator('.option-value').fill('contoso.com,corp.contoso.com');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('replicated to dc1.contoso.com');
  const settings = 'vendor-encapsulated-options (43) 0104C0A80001, domain-search (119) contoso.com, corp.contoso.com';
  await expect(page.locator('tr[data-ip="10.0.0.142"] [data-label="Settings"]')).toHaveText(settings);
  await open(page, `${tandem.url}/servers/${DC1}/scopes/10.0.0.0`);
  await expect(page.locator('tr[data-ip="10.0.0.142"] [data-label="Settings"]')).toHaveText(settings);
  // Opened again: each row with its kind.
  await page.click('tr[data-ip="10.0.0.142"] a:has-text("Edit")');
  await expect(rows.nth(0).locator('.option-kind')).toHaveValue('Hex');
  await expect(rows.nth(1).locator('.option-kind')).toHaveValue('Data');
  await expect(rows.nth(1).locator('.option-value')).toHaveValue('contoso.com, corp.contoso.com');
});
