// The API Reference page: the served OpenAPI description as a page, every route on it, read
// with nothing from outside Tandem (no CDN script, style or font), with JavaScript off too,
// and readable on a phone.
import { test, expect, ADMIN_PASSWORD, signIn, open, shoot } from './fixtures';

test('the API Reference shows every described route, offline and without JavaScript', async ({ page, tandem, browser }) => {
  const origins = new Set<string>();
  page.on('request', (r) => origins.add(new URL(r.url()).origin));
  await signIn(page, tandem.url, 'admin', ADMIN_PASSWORD);
  await page.click('#api-reference');
  await expect(page).toHaveURL(/\/api-docs$/);
  await page.waitForSelector('body[data-hydrated="true"]');

  const description = await (await page.request.get(`${tandem.url}/api/v1/openapi.json`)).json();
  let operations = 0;
  for (const item of Object.values(description.paths) as Record<string, unknown>[]) {
    operations += Object.keys(item).length;
  }
  expect(operations).toBeGreaterThanOrEqual(38);
  await expect(page.locator('article.api-op')).toHaveCount(operations);
  await expect(page.locator('article.api-schema')).toHaveCount(Object.keys(description.components.schemas).length);

  // A route as described: its parameters, body and answers, its body's schema linked.
  const put = page.locator('#put-servers-server-scopes-scope-reservations-ip');
  await expect(put.locator('.api-path')).toHaveText('/api/v1/servers/{server}/scopes/{scope}/reservations/{ip}');
  await expect(put).toContainText('If-Match');
  await expect(put.locator('abbr', { hasText: '428' })).toHaveAttribute('title', 'No If-Match');
  await put.locator('a[href="#schema-NewReservation"]').first().click();
  await expect(page.locator('#schema-NewReservation')).toContainText('client_id');
  expect([...origins]).toEqual([tandem.url]);
  await shoot(page, '50-api-reference');

  // A phone: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  // JavaScript off: the server renders it whole.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const quiet = await context.newPage();
  await quiet.goto(`${tandem.url}/sign-in`);
  await quiet.fill('#username', 'admin');
  await quiet.fill('#password', ADMIN_PASSWORD);
  await quiet.click('form.sign-in button[type="submit"]');
  await quiet.goto(`${tandem.url}/api-docs`);
  await expect(quiet.locator('article.api-op')).toHaveCount(operations);
  await context.close();

  // The JSON link serves the same description.
  await open(page, `${tandem.url}/api-docs`);
  expect(await page.locator('#openapi-json').getAttribute('href')).toBe('/api/v1/openapi.json');
});
