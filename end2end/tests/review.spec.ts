// The Configuration Review page: the seed pair is sound; a client reserved at another
// address on the partner is found, explained and linked to its scope, with JavaScript off too.
import { test, expect, open, shoot, ADMIN_PASSWORD } from './fixtures';

const DC1 = 'dc1.contoso.com';

test('the review finds a client reserved at two addresses across a pair', async ({ page, tandem }) => {
  await open(page, tandem.url + '/');
  await page.click('#review-link');
  await expect(page).toHaveURL(/\/review$/);
  await expect(page.locator('#review-summary')).toHaveText('Nothing found.');
  // Behind Tandem's back, dc1 reserves the seed client at another address.
  tandem.cli(DC1, 'reservation', 'remove', '--scope', '10.0.0.0', '--ip', '10.0.0.99');
  tandem.cli(DC1, 'reservation', 'add', '--scope', '10.0.0.0', '--ip', '10.0.0.98', '--client-id', 'aa-bb-cc-dd-ee-ff');
  // The kept review does not know yet: "Review now" reads every server again.
  await open(page, tandem.url + '/review');
  await page.click('#review-now');
  await expect(page.locator('#review-summary')).toHaveText('1 error(s), 0 warning(s).');
  const row = page.locator('tr[data-check="client-reserved-at-two-addresses"]');
  await expect(row.locator('td[data-label="Severity"]')).toHaveText('Error');
  await expect(row.locator('td[data-label="Why"]')).toContainText('10.0.0.99');
  await expect(row.locator('td[data-label="Why"]')).toContainText('10.0.0.98');
  await shoot(page, '41-review');
  // The Dashboard counts it.
  await open(page, tandem.url + '/');
  await expect(page.locator('#tile-review .count')).toHaveText('1');
  // Dismissed for its object: out of the count, listed apart; then restored.
  await open(page, tandem.url + '/review');
  await page.locator('#findings tr[data-check="client-reserved-at-two-addresses"] button[data-action="dismiss"]').click();
  await expect(page.locator('#review-summary')).toHaveText('Nothing found.');
  await expect(page.locator('#dismissed tr[data-check="client-reserved-at-two-addresses"]')).toContainText('by admin');
  await shoot(page, '46-review-dismissed');
  await open(page, tandem.url + '/');
  await expect(page.locator('#tile-review .count')).toHaveText('0');
  await open(page, tandem.url + '/review');
  await page.locator('#dismissed button[data-action="restore"]').click();
  await expect(page.locator('#review-summary')).toHaveText('1 error(s), 0 warning(s).');
  await page.locator('#findings tr[data-check="client-reserved-at-two-addresses"] td[data-label="Object"] a').click();
  await expect(page).toHaveURL(/\/servers\/[^/]+\/scopes\/10\.0\.0\.0$/);

  // With JavaScript off: the same page, whole.
  const context = await page.context().browser()!.newContext({ javaScriptEnabled: false });
  const off = await context.newPage();
  await off.goto(tandem.url + '/sign-in');
  await off.fill('#username', 'admin');
  await off.fill('#password', ADMIN_PASSWORD);
  await off.click('form.sign-in button[type="submit"]');
  await expect(off.locator('form.sign-in')).toHaveCount(0);
  await off.goto(tandem.url + '/review');
  await expect(off.locator('tr[data-check="client-reserved-at-two-addresses"]')).toHaveCount(1);
  // The buttons are native forms: dismissed, then reviewed again, without JavaScript.
  await off.click('#findings button[data-action="dismiss"]');
  await expect(off.locator('.notice-done')).toContainText('Finding dismissed.');
  await expect(off.locator('#dismissed tr')).toHaveCount(2);
  await off.click('#review-now');
  await expect(off.locator('.notice-done')).toContainText('Reviewed every server again: 0 error(s), 0 warning(s).');
  await context.close();
});
