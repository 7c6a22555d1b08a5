// On a 390 px wide phone: the navigation shows every destination (no link cut at the screen's
// edge), and no view scrolls sideways.
import { test, expect, open, shoot } from './fixtures';

test('on a phone every destination is in the navigation and no view scrolls sideways', async ({ page, tandem }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, tandem.url + '/');
  const links = page.locator('header.top nav a');
  await expect(links).toHaveCount(6);
  for (const link of await links.all()) {
    const box = await link.boundingBox();
    expect(box, await link.innerText()).not.toBeNull();
    expect(box!.x, await link.innerText()).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, await link.innerText()).toBeLessThanOrEqual(390);
  }
  for (const path of ['/', '/servers', '/scopes', '/servers/dhcp1.contoso.com', '/servers/dhcp1.contoso.com/scopes/10.0.0.0', '/relationships', '/events', '/users', '/tokens', '/import', '/search?q=10.0']) {
    await open(page, tandem.url + path);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(wide, `${path} is ${wide} px wide`).toBeLessThanOrEqual(390);
  }
  await open(page, tandem.url + '/');
  await shoot(page, '70-phone-navigation');
});
