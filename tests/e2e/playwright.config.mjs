// Playwright drives Debian's Chromium (never a downloaded browser: this machine can't fetch one) against the
// page served with COOP/COEP by tools/serve.mjs, exactly as a user opens it.
import { defineConfig } from '@playwright/test';

const port = Number(process.env.THREADLAB_TEST_PORT ?? 8791);

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.mjs',
  outputDir: './results',
  // One test at a time: the timing assertions share a 2-core machine with the page's own worker threads.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      // Without these, Chromium's background connections are refused by this machine's closed network.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync',
        // The embedding test puts a host page and the playground on two loopback origins; Chromium's Local
        // Network Access checks treat the (Playwright-served) host as public and block the iframe.
        '--disable-features=LocalNetworkAccessChecks'],
    },
  },
  webServer: {
    command: `node tools/serve.mjs --port ${port} --root www`,
    cwd: '../..',
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 20_000,
  },
});
