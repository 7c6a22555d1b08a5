// Accessible to keyboard and screen reader: axe-core finds no serious or critical violation on
// any view or dialog; every dialog takes the focus, keeps Tab inside, closes on Escape and
// gives the focus back; status is told in words, not by colour alone; and the seed's
// walk-through (a reservation created on a failover scope, on both partners) is done with the
// keyboard alone.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, open, ADMIN_PASSWORD } from './fixtures';
import type { Page } from '@playwright/test';

const DHCP1 = 'dhcp1.contoso.com';
const DC1 = 'dc1.contoso.com';
const SCOPE = `/servers/${DHCP1}/scopes/10.0.0.0`;

const VIEWS = [
  '/', '/servers', `/servers/${DHCP1}`, '/scopes', SCOPE, '/relationships', '/events', '/users',
  '/tokens', '/import', '/search?q=10.0', '/api-docs', '/review', '/leases?q=10.0.0.99',
];

/** The dialogs: the page, and what opens it. */
const DIALOGS: [string, string][] = [
  ['/scopes', '#new-scope'],
  ['/servers', '#add-kea-server'],
  [SCOPE, '#create-reservation'],
  [SCOPE, '#edit-scope'],
  [SCOPE, '#replicate-scope'],
  [`/servers/${DHCP1}`, '#replicate-server'],
  ['/relationships', `tr[data-relationship="${DHCP1}-${DC1}"] a:has-text("Replicate")`],
  [SCOPE, 'tr[data-ip="10.0.0.99"] a:has-text("Edit")'],
  ['/relationships', '#create-relationship'],
  ['/users', '#create-user'],
];

async function noSeriousViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  expect(serious, `axe on ${what}`).toEqual([]);
}

/** Whether the focused element is inside the open dialog. */
const focusInDialog = (page: Page) =>
  page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'));

test('no serious or critical axe violation on any view, signed in or not', async ({ page, tandem, browser }) => {
  for (const view of VIEWS) {
    await open(page, tandem.url + view);
    await noSeriousViolations(page, view);
  }
  const context = await browser.newContext();
  const stranger = await context.newPage();
  await stranger.goto(tandem.url + '/sign-in');
  await stranger.waitForSelector('body[data-hydrated="true"]');
  await noSeriousViolations(stranger, '/sign-in');
  await context.close();
});

test('every dialog takes the focus, keeps Tab inside, closes on Escape and gives the focus back; axe finds nothing serious', async ({ page, tandem }) => {
  for (const [view, opener] of DIALOGS) {
    const what = `${opener} on ${view}`;
    await open(page, tandem.url + view);
    await page.focus(opener);
    await page.keyboard.press('Enter');
    const dialog = page.locator('[role="dialog"]');
    await expect(dialog, what).toBeVisible();
    await expect(dialog, what).toHaveAttribute('aria-modal', 'true');
    expect(await focusInDialog(page), `${what}: the focus moved into the dialog`).toBe(true);
    await noSeriousViolations(page, what);
    // Round the dialog's controls and past its end, both ways: never out of it.
    const controls = await dialog.locator('input:not([type="hidden"]), select, textarea, button, a[href]').count();
    for (let i = 0; i < controls + 2; i++) {
      await page.keyboard.press('Tab');
      expect(await focusInDialog(page), `${what}: Tab ${i + 1} stayed in the dialog`).toBe(true);
    }
    for (let i = 0; i < controls + 2; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await focusInDialog(page), `${what}: Shift+Tab ${i + 1} stayed in the dialog`).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect(dialog, `${what}: Escape closed it`).toHaveCount(0);
    await expect(page.locator(opener), `${what}: the focus came back`).toBeFocused();
  }
});

test('status is told in words: every badge and status cell has text', async ({ page, tandem }) => {
  for (const view of ['/', '/scopes', '/relationships', '/servers', SCOPE]) {
    await open(page, tandem.url + view);
    const marks = page.locator('.badge, [data-drift], [data-status], [class*="status-"]');
    const count = await marks.count();
    expect(count, `${view} shows some status`).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) {
      const mark = marks.nth(i);
      if (!(await mark.isVisible())) continue;
      const text = ((await mark.innerText()) || (await mark.getAttribute('aria-label')) || '').trim();
      expect(text, `${view}: ${await mark.evaluate((e) => e.outerHTML.slice(0, 120))}`).not.toBe('');
    }
  }
});

/** Presses Tab until the focused element matches `selector` (at most `limit` times). */
async function tabTo(page: Page, selector: string, limit = 80) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => !!document.activeElement?.matches(s), selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

test('the seed walk-through with the keyboard alone: a reservation created on the failover scope reaches both partners', async ({ browser, tandem }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(tandem.url + '/sign-in');
  await page.waitForSelector('body[data-hydrated="true"]');
  await tabTo(page, '#username');
  await page.keyboard.type('admin');
  await page.keyboard.press('Tab');
  await page.keyboard.type(ADMIN_PASSWORD);
  await page.keyboard.press('Enter');
  await expect(page.locator('main h1')).toHaveText('Dashboard');
  await page.waitForSelector('body[data-hydrated="true"]');

  // DHCP Scopes, then the failover scope on dhcp1.
  await tabTo(page, 'header.top nav a[href="/scopes"]');
  await page.keyboard.press('Enter');
  await expect(page.locator('main h1')).toHaveText('DHCP Scopes');
  await tabTo(page, `a[href="${SCOPE}"]`);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`${SCOPE}$`));

  // Create DHCP Reservation: the dialog takes the focus at its first field.
  await tabTo(page, '#create-reservation');
  await page.keyboard.press('Enter');
  await expect(page.locator('#ip_address')).toBeFocused();
  await page.keyboard.type('10.0.0.100');
  await tabTo(page, '#client_id', 5);
  await page.keyboard.type('00155DA76602');
  await page.keyboard.press('Enter');
  await expect(page.locator('.notice-done')).toContainText(`Reservation created on ${DHCP1} and replicated to ${DC1}`);
  await expect(page.locator('tr[data-ip="10.0.0.100"]')).toBeVisible();
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99', '10.0.0.100']);
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.100']);
  // The focus is back on the button that opened the dialog.
  await expect(page.locator('#create-reservation')).toBeFocused();
  await context.close();
});
