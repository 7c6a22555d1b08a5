// Import Reservations: a CSV as Windows administrators keep it, previewed row by row, then
// applied to both partners; refused rows named with their reasons; a file in the wrong
// encoding refused whole. The same with JavaScript off (the file is a native form post).
// Export links hand back the lists as CSV.
import { test, expect, ADMIN_PASSWORD, signIn, open, shoot } from './fixtures';
import type { Page } from '@playwright/test';
import * as path from 'node:path';

const DHCP1 = 'dhcp1.contoso.com';
const DC1 = 'dc1.contoso.com';

function file(rows: string[]) {
  const text = ['ScopeId,IPAddress,Name,ClientId,Description,Type', ...rows].join('\r\n') + '\r\n';
  return { name: 'reservations.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') };
}

async function previewAndApply(page: Page, rows: string[], shots: string) {
  await page.setInputFiles('#import-file', file(rows));
  await page.click('#preview-import');
  await expect(page).toHaveURL(/\/import\?draft=/);
  await expect(page.locator('#import-summary')).toContainText('2 will add, 0 will change, 0 unchanged, 2 refused');
  await expect(page.locator('tr[data-line="4"]')).toContainText(/also on line [23] of the file/);
  await expect(page.locator('tr[data-line="5"]')).toContainText('outside scope');
  await shoot(page, `${shots}-preview`);
  // Only the refused rows.
  await page.click('a[data-filter="refused"]');
  await expect(page.locator('table.import-rows tbody tr')).toHaveCount(2);
  await page.click('#apply-import');
  await expect(page.locator('#import-summary')).toContainText('2 added, 0 changed, 0 unchanged, 2 refused, 0 failed');
  await expect(page.locator('#apply-import')).toHaveCount(0);
}

test('a reservations CSV is previewed, then applied to both partners', async ({ page, tandem }) => {
  await signIn(page, tandem.url, 'admin', ADMIN_PASSWORD);
  await open(page, `${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`);
  await page.click('#import-reservations');
  await expect(page).toHaveURL(/\/import\?server=dhcp1/);
  await expect(page.locator('#import-server')).toHaveValue(DHCP1);
  await previewAndApply(
    page,
    [
      '10.0.0.0,10.0.0.130,printer,00-15-5d-00-01-30,2nd floor,',
      '10.0.0.0,10.0.0.131,scanner,0015.5d00.0131,,Dhcp',
      '10.0.0.0,10.0.0.130,again,00-15-5d-00-01-32,,',
      '10.0.0.0,10.9.0.1,far,00-15-5d-00-01-33,,',
    ],
    '60-import',
  );
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99', '10.0.0.130', '10.0.0.131']);
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.130', '10.0.0.131']);

  // A phone: the rows fit.
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1280, height: 900 });

  // A file in another encoding (Windows-1252) is refused whole, saying how to save it;
  // nothing written.
  await open(page, `${tandem.url}/import?server=${DHCP1}`);
  await page.setInputFiles('#import-file', {
    name: 'ansi.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('ScopeId,IPAddress,ClientId,Name\r\n10.0.0.0,10.0.0.140,00-15-5d-00-01-40,caf\xe9\r\n', 'latin1'),
  });
  await page.click('#preview-import');
  await expect(page.locator('#import-error')).toContainText('not UTF-8');
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99', '10.0.0.130', '10.0.0.131']);
  // What Windows PowerShell 5.1 writes with -Encoding Unicode (UTF-16, its #TYPE line, the CIM
  // columns) is read: previewed, nothing written until applied.
  await page.setInputFiles('#import-file', path.join(__dirname, '..', '..', 'core', 'tests', 'fixtures', 'windows', 'export-csv-ps51-unicode.csv'));
  await page.click('#preview-import');
  await expect(page.locator('#import-summary')).toContainText('2 will add, 0 will change, 0 unchanged, 0 refused');
  await expect(page.locator('tr[data-line="3"]')).toContainText('printer-150.contoso.com');
  await expect(page.locator('#import-ignored')).toHaveText(
    'Columns not read (ignored): AddressState, PSComputerName, CimClass, CimInstanceProperties, CimSystemProperties.');
  expect(tandem.reservations(DHCP1)).toEqual(['10.0.0.99', '10.0.0.130', '10.0.0.131']);

  // Export: the scope's reservations as the import reads them.
  await open(page, `${tandem.url}/servers/${DHCP1}/scopes/10.0.0.0`);
  const href = await page.locator('#export-reservations').getAttribute('href');
  const csv = await (await page.request.get(tandem.url + href)).text();
  expect(csv.split('\r\n')[0]).toBe('ScopeId,IPAddress,Name,ClientId,Description,Type,IdentifierType');
  expect(csv).toContain('10.0.0.0,10.0.0.131,scanner,00-15-5d-00-01-31,,Dhcp');
  // For Windows: what Import-Csv | Add-DhcpServerv4Reservation reads there.
  const windowsHref = await page.locator('#export-reservations-windows').getAttribute('href');
  expect(windowsHref).toContain('format=windows');
  const windows = Buffer.from(await (await page.request.get(tandem.url + windowsHref)).body());
  expect([...windows.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const windowsText = windows.subarray(3).toString('utf8');
  expect(windowsText.split('\r\n')[0]).toBe('"ScopeId","IPAddress","Name","ClientId","Description","Type"');
  expect(windowsText).toContain('"10.0.0.0","10.0.0.131","scanner","00-15-5d-00-01-31","","Dhcp"');
  const scopes = await page.request.get(tandem.url + (await (async () => {
    await open(page, `${tandem.url}/scopes`);
    return page.locator('#export-scopes').getAttribute('href');
  })()));
  expect(scopes.headers()['content-type']).toContain('text/csv');
});

test('a reservations CSV is imported with JavaScript off', async ({ browser, tandem }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${tandem.url}/sign-in`);
  await page.fill('#username', 'admin');
  await page.fill('#password', ADMIN_PASSWORD);
  await page.click('form.sign-in button[type="submit"]');
  await page.goto(`${tandem.url}/import?server=${DHCP1}`);
  await previewAndApply(
    page,
    [
      '10.0.0.0,10.0.0.140,cam-1,00-15-5d-00-01-40,,',
      '10.0.0.0,10.0.0.141,cam-2,00:15:5d:00:01:41,,',
      '10.0.0.0,10.0.0.141,cam-3,00:15:5d:00:01:42,,',
      '10.0.0.0,10.1.0.250,far,00-15-5d-00-01-43,,',
    ],
    '61-import-no-js',
  );
  expect(tandem.reservations(DC1)).toEqual(['10.0.0.99', '10.0.0.140', '10.0.0.141']);
  await context.close();
});
