// Undo from the Event Catalog: a change made through Tandem is reversed on both partners,
// recorded as its own event naming the original; refused, with nothing written, when the
// reservation has changed since. With JavaScript on and off.
import { test, expect, open, shoot, ADMIN_PASSWORD } from './fixtures';
import type { APIRequestContext } from '@playwright/test';

const DHCP1 = 'dhcp1.contoso.com';
const DC1 = 'dc1.contoso.com';

/** Creates a reservation through Tandem (the call the dialog makes): an event, on both. */
async function reserve(request: APIRequestContext, url: string, ip: string, clientId: string) {
  const made = await request.post(url + '/api/create_reservation', {
    headers: { 'content-type': 'application/json', origin: url },
    data: {
      input: {
        target: { server: DHCP1, scope_id: '10.0.0.0' },
        reservation: { ip_address: ip, client_id: clientId, name: 'lab printer' },
      },
    },
  });
  expect(made.ok(), await made.text()).toBeTruthy();
}

test('a change is undone from the Event Catalog on both partners, and not once it has changed', async ({ page, tandem }) => {
  await reserve(page.request, tandem.url, '10.0.0.150', '00155DA76650');
  await reserve(page.request, tandem.url, '10.0.0.151', '00155DA76651');
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.150', '10.0.0.151']);
  await open(page, tandem.url + '/events?action=create_reservation');
  const first = page.locator('tr[data-action="create_reservation"]', { hasText: '10.0.0.150' });
  const id = await first.getAttribute('data-event');
  await shoot(page, '40-events-undo');
  page.once('dialog', (d) => d.accept());
  await first.locator('a[data-undo]').click();
  await expect(page.locator('.notice-done')).toContainText(`Undone on ${DHCP1} and replicated to ${DC1}.`);
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99', '10.0.0.151']);
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.151']);
  // The original says it was undone and offers no second undo.
  await expect(first.locator('[data-undone-by]')).toBeVisible();
  await expect(first.locator('a[data-undo]')).toHaveCount(0);
  await open(page, tandem.url + '/events?action=delete_reservation');
  await expect(page.locator(`tr[data-action="delete_reservation"] [data-undoes="${id}"]`)).toHaveText(` undoes event ${id}`);

  // 10.0.0.151 changed behind Tandem's back: its creation is not undone, nothing written.
  tandem.cli(DHCP1, 'reservation', 'remove', '--scope', '10.0.0.0', '--ip', '10.0.0.151');
  tandem.cli(DHCP1, 'reservation', 'add', '--scope', '10.0.0.0', '--ip', '10.0.0.151', '--client-id', '00155DA76699');
  await open(page, tandem.url + '/events?action=create_reservation');
  const second = page.locator('tr[data-action="create_reservation"]', { hasText: '10.0.0.151' });
  page.once('dialog', (d) => d.accept());
  await second.locator('a[data-undo]').click();
  await expect(page.locator('.notice-failed')).toContainText('has changed since event');
  await expect(page.locator('.notice-failed')).toContainText('00-15-5d-a7-66-99');
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99', '10.0.0.151']);
  expect(tandem.cli(DHCP1, 'reservation', 'list', '--scope', '10.0.0.0')).toContain('00-15-5d-a7-66-99');
  await expect(second.locator('a[data-undo]')).toBeVisible();

  // A replication undone: dc1 gets back the copy it had; dhcp1 is untouched.
  tandem.cli(DC1, 'reservation', 'add', '--scope', '10.0.0.0', '--ip', '10.0.0.160', '--client-id', '00155DA76660');
  const dc1Before = tandem.reservations(DC1);
  const replicated = await page.request.post(tandem.url + '/api/replicate_scope', {
    headers: { 'content-type': 'application/json', origin: tandem.url },
    data: { target: { server: DHCP1, scope_id: '10.0.0.0' } },
  });
  expect(replicated.ok(), await replicated.text()).toBeTruthy();
  expect(tandem.reservations(DC1)).toEqual(tandem.reservations(DHCP1));
  await open(page, tandem.url + '/events?action=replicate_scope');
  page.once('dialog', (d) => d.accept());
  await page.locator('tr[data-action="replicate_scope"] a[data-undo]').first().click();
  await expect(page.locator('.notice-done')).toContainText(`Undone on ${DC1}.`);
  expect(tandem.reservations(DC1)).toEqual(dc1Before);
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99', '10.0.0.151']);
});

test('a change is undone from the Event Catalog with JavaScript off', async ({ browser, tandem }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(tandem.url + '/sign-in');
  await page.fill('#username', 'admin');
  await page.fill('#password', ADMIN_PASSWORD);
  await page.click('form.sign-in button[type="submit"]');
  await expect(page.locator('form.sign-in')).toHaveCount(0);
  await reserve(context.request, tandem.url, '10.0.0.150', '00155DA76650');
  await page.goto(tandem.url + '/events?action=create_reservation');
  const row = page.locator('tr[data-action="create_reservation"]', { hasText: '10.0.0.150' });
  await row.locator('a[data-undo]').click();
  await expect(page.locator('form.dialog')).toContainText('Undo event');
  // Changed meanwhile: refused in the dialog, nothing written.
  tandem.cli(DHCP1, 'reservation', 'remove', '--scope', '10.0.0.0', '--ip', '10.0.0.150');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('#dialog-error')).toContainText('is no longer on dhcp1.contoso.com');
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.150']);
  // Back as it was, then undone on both.
  tandem.cli(DHCP1, 'reservation', 'add', '--scope', '10.0.0.0', '--ip', '10.0.0.150', '--client-id', '00155DA76650', '--name', 'lab printer');
  await page.click('form.dialog button[type="submit"]');
  await expect(page.locator('.notice-done')).toContainText(`Undone on ${DHCP1} and replicated to ${DC1}`);
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99']);
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99']);
  await context.close();
});
