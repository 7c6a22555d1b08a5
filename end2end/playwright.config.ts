import { defineConfig } from '@playwright/test';

// Debian's Chromium: Playwright cannot download a browser here, and need not.
export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Each test starts its own Tandem on a fresh data folder, so tests could run in parallel;
  // one worker keeps a two-core machine responsive.
  workers: 1,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    viewport: { width: 1280, height: 900 },
    trace: 'off',
  },
});
