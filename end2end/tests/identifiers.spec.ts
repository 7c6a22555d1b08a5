// Reservations by every identifier type from the Create/Edit DHCP Reservation dialog: with the
// page's code, and with JavaScript off; on a 1280 px screen and a 390 px phone. Each refusal
// is by the type's own rule, beside its field; what is made reaches both partners with its
// type (asked of each built-in server's CLI).
import { test, expect, open, shoot, ADMIN_PASSWORD } from './fixtures';
import type { Page } from '@playwright/test';

const DHCP1 = 'dhcp1.contoso.com';
const DC1 = 'dc1.contoso.com';

/** `reservation list` on one server: each line's IPAddress, ClientId and IdentifierType,
 * read by the header's columns (a cell may be empty). */
function listed(tandem: { cli: (...a: string[]) => string }, server: string): string[] {
  const [header, , ...lines] = tandem.cli(server, 'reservation', 'list', '--scope', '10.0.0.0').split('\n');
  const cell = (line: string, column: string) => {
    const start = header.indexOf(column);
    const next = header.slice(start).search(/\s\S/);
    return line.slice(start, next < 0 ? undefined : start + next + 1).trim();
  };
  return lines
    .filter((line) => line.trim())
    .map((line) => `${cell(line, 'IPAddress')} ${cell(line, 'ClientId')} ${cell(line, 'IdentifierType')}`);
}

async function createBy(page: Page, ip: string, kind: string, id: string, name: string) {
  await page.click('#create-reservation');
  await expect(page.locator('form.dialog')).toBeVisible();
  await page.fill('#ip_address', ip);
  await page.selectOption('#identifier_type', kind);
  await page.fill('#client_id', id);
  await page.fill('#name', name);
  await page.click('form.dialog button[type="submit"]');
}

test('reservations by client ID, DUID, circuit ID and flex ID are made and edited in the dialog', async ({ page, tandem }) => {
  await open(page, `${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`);
  // The seed's reservation is by MAC address, and says so.
  await expect(page.locator('tr[data-ip="10.0.0.99"] [data-label="IdentifierType"]')).toHaveText('MAC address');

  // A client identifier of one byte: refused beside the field, by its type's rule.
  await createBy(page, '10.0.0.121', 'client-id', '01', 'laptop');
  await expect(page.locator('[data-error-for="client_id"]')).toHaveText(/2 to 255 bytes/);
  await expect(page.locator('#identifier_type')).toHaveValue('client-id');
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99']);
  await shoot(page, '49-identifier-refused');
  await page.fill('#client_id', '01:00:15:5d:a7:66:21');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('replicated to dc1.contoso.com');
  await expect(page.locator('tr[data-ip="10.0.0.121"] [data-label="IdentifierType"]')).toHaveText('Client identifier');
  await expect(page.locator('tr[data-ip="10.0.0.121"] [data-label="ClientId"]')).toHaveText('01:00:15:5d:a7:66:21');

  for (const [ip, kind, id, name] of [
    ['10.0.0.122', 'duid', '00-03-00-01-00-15-5D-A7-66-22', 'desk'],
    ['10.0.0.123', 'circuit-id', "'ge-0/0/1.100'", 'switch-port'],
  ]) {
    await createBy(page, ip, kind, id, name);
    await expect(page.locator('.notice-done')).toContainText('replicated to dc1.contoso.com');
    await expect(page.locator(`tr[data-ip="${ip}"] [data-label="IdentifierType"]`)).toHaveAttribute('data-identifier', kind);
  }
  for (const server of [DHCP1, DC1]) {
    expect(listed(tandem, server)).toEqual([
      '10.0.0.99 aa-bb-cc-dd-ee-ff hw-address',
      '10.0.0.121 01:00:15:5d:a7:66:21 client-id',
      '10.0.0.122 00:03:00:01:00:15:5d:a7:66:22 duid',
      '10.0.0.123 67:65:2d:30:2f:30:2f:31:2e:31:30:30 circuit-id',
    ]);
  }

  // Edited: the dialog opens on the reservation's type; made a flex ID, on both partners.
  await page.click('tr[data-ip="10.0.0.121"] a:has-text("Edit")');
  await expect(page.locator('#identifier_type')).toHaveValue('client-id');
  await expect(page.locator('#client_id')).toHaveValue('01:00:15:5d:a7:66:21');
  await page.selectOption('#identifier_type', 'flex-id');
  await page.fill('#client_id', "'badge-7'");
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Reservation saved');
  await expect(page.locator('tr[data-ip="10.0.0.121"] [data-label="ClientId"]')).toHaveText('62:61:64:67:65:2d:37');
  for (const server of [DHCP1, DC1]) {
    expect(listed(tandem, server)).toContain('10.0.0.121 62:61:64:67:65:2d:37 flex-id');
  }
  await shoot(page, '50-identifier-types');

  // Its own boot settings and classes, edited in the same dialog: refused first, then on both.
  await page.click('tr[data-ip="10.0.0.122"] a:has-text("Edit")');
  await page.fill('#next_server', '10.0.0.300');
  await page.fill('#boot_file_name', 'pxelinux.0');
  await page.fill('#client_classes', 'pxe, floor-2');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('[data-error-for="next_server"]')).toContainText('10.0.0.300');
  await page.fill('#next_server', '10.0.0.5');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('Reservation saved');
  const settings = 'next-server 10.0.0.5, boot-file-name pxelinux.0, client-classes [pxe, floor-2]';
  await expect(page.locator('tr[data-ip="10.0.0.122"] [data-label="Settings"]')).toHaveText(settings);
  await open(page, `${tandem.url}/servers/${DC1}/scopes/10.0.0.0`);
  await expect(page.locator('tr[data-ip="10.0.0.122"] [data-label="Settings"]')).toHaveText(settings);
  await page.click('tr[data-ip="10.0.0.122"] a:has-text("Edit")');
  await expect(page.locator('#client_classes')).toHaveValue('pxe, floor-2');
  await shoot(page, '52-reservation-settings');
  await page.click('form.dialog a:has-text("Cancel")');

  // Found by the global search, as Kea writes it or as Windows does.
  await open(page, `${tandem.url}/search?q=00-03-00-01`);
  await expect(page.locator('td[data-label="ClientId"]').first()).toHaveText('duid 00:03:00:01:00:15:5d:a7:66:22');
});

test('a reservation by client ID is made, refused first, with JavaScript off on a phone', async ({ browser, tandem }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const seen: string[] = [];
  page.on('request', (r) => seen.push(r.url()));
  await page.goto(tandem.url + '/sign-in');
  await page.fill('#username', 'admin');
  await page.fill('#password', ADMIN_PASSWORD);
  await page.click('form.sign-in button[type="submit"]');
  await expect(page.locator('form.sign-in')).toHaveCount(0);
  await page.goto(`${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`);

  await createBy(page, '10.0.0.130', 'duid', '00:03', 'phone-made');
  await expect(page.locator('[data-error-for="client_id"]')).toHaveText(/3 to 130 bytes/);
  // What was typed comes back, the type chosen included.
  await expect(page.locator('#identifier_type')).toHaveValue('duid');
  await expect(page.locator('#name')).toHaveValue('phone-made');
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99']);
  const box = await page.locator('#identifier_type').boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  await page.screenshot({ path: 'test-results/screenshots/51-identifier-no-js-390.png', fullPage: true });

  await page.selectOption('#identifier_type', 'client-id');
  await page.fill('#client_id', '01-00-15-5D-A7-66-30');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText('replicated to dc1.contoso.com');
  for (const server of [DHCP1, DC1]) {
    expect(listed(tandem, server)).toContain('10.0.0.130 01:00:15:5d:a7:66:30 client-id');
  }
  // The phone's table shows the type in the reservation's card.
  await expect(page.locator('tr[data-ip="10.0.0.130"] [data-label="IdentifierType"]')).toHaveText('Client identifier');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);

  // Edit opens on the reservation's type, without the page's code too.
  await page.click('tr[data-ip="10.0.0.130"] a:has-text("Edit")');
  await expect(page.locator('#identifier_type')).toHaveValue('client-id');
  await expect(page.locator('#client_id')).toHaveValue('01:00:15:5d:a7:66:30');
  await context.close();
  for (const url of seen) {
    expect(url).not.toContain('client_id');
    expect(url).not.toContain('phone-made');
  }
});
