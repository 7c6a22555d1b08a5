// On a 390 px wide phone: the navigation shows every destination (no link cut at the screen's
// edge), and no view scrolls sideways.
import { test, expect, open, shoot } from './fixtures';

test('on a phone every destination is in the navigation and no view scrolls sideways', async ({ page, tandem }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, tandem.url + '/');
  const links = page.locator('header.top nav a');
  await expect(links).toHaveCount(7);
  for (const link of await links.all()) {
    const box = await link.boundingBox();
    expect(box, await link.innerText()).not.toBeNull();
    expect(box!.x, await link.innerText()).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, await link.innerText()).toBeLessThanOrEqual(390);
  }
  for (const path of ['/', '/servers', '/scopes', '/servers/dhcp1.contoso.com', '/servers/dhcp1.contoso.com/scopes/10.0.0.0', '/relationships', '/events', '/users', '/tokens', '/import', '/search?q=10.0', '/review', '/leases?q=10.0.0.99']) {
    await open(page, tandem.url + path);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(wide, `${path} is ${wide} px wide`).toBeLessThanOrEqual(390);
    // Every view at 1280 and 390 px, to be looked at.
    await shoot(page, `72-view${path.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '') || '-dashboard'}`);
    await page.setViewportSize({ width: 390, height: 844 });
  }
  await open(page, tandem.url + '/');
  await shoot(page, '70-phone-navigation');
});

test('a table wider than the screen scrolls in its own frame, its first column kept in view', async ({ page, tandem }) => {
  // A small tablet: tables are tables here (on a phone each row is a card).
  await page.setViewportSize({ width: 800, height: 1000 });
  await open(page, tandem.url + '/scopes');
  const frame = page.locator('.table-wrap:has(table.scopes)');
  const widths = await frame.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
  expect(widths.scroll, 'the scope table is wider than its frame').toBeGreaterThan(widths.client);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), 'the page itself does not scroll sideways').toBeLessThanOrEqual(800);
  const firstCell = page.locator('table.scopes tbody tr').first().locator('td').first();
  const frameBox = (await frame.boundingBox())!;
  await frame.evaluate((e) => { e.scrollLeft = 400; });
  expect(await frame.evaluate((e) => e.scrollLeft), 'the frame scrolled').toBeGreaterThan(0);
  const cellBox = (await firstCell.boundingBox())!;
  expect(Math.abs(cellBox.x - frameBox.x), 'the first column stayed at the frame\'s left edge').toBeLessThanOrEqual(1);
  // The third column scrolled out of view on the left.
  const third = (await page.locator('table.scopes tbody tr').first().locator('td').nth(2).boundingBox())!;
  expect(third.x).toBeLessThan(frameBox.x + cellBox.width);
  await shoot(page, '71-table-frame');
});
