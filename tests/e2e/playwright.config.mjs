// Playwright drives Debian's Chromium (never a downloaded browser: this machine can't fetch one) against the
// page served with COOP/COEP by tools/serve.mjs, exactly as a user opens it.
import { defineConfig } from '@playwright/test';

const port = Number(process.env.THREADLAB_TEST_PORT ?? 8791);

/** Debian's Chromium with `disabled` features off. @param {string[]} disabled */
const chromium = (disabled) => ({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  // Without these, Chromium's background connections are refused by this machine's closed network.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    // The embedding tests put a host page and the playground on two loopback origins; Chromium's Local
    // Network Access checks treat the (Playwright-served) host as public and block the iframe.
    `--disable-features=${['LocalNetworkAccessChecks', ...disabled].join(',')}`],
});

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
  },
  // Chromium as shipped, and once more without Document-Isolation-Policy (standing in for a browser that
  // doesn't have it) for the tests tagged @without-dip: an embed in a page that isn't isolated runs
  // simulated there, and says so.
  projects: [
    { name: 'chromium', grepInvert: /@without-dip/, use: { launchOptions: chromium([]) } },
    { name: 'chromium-without-dip', grep: /@without-dip/, use: { launchOptions: chromium(['DocumentIsolationPolicy']) } },
  ],
  webServer: {
    command: `node tools/serve.mjs --port ${port} --root www`,
    cwd: '../..',
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 20_000,
  },
});
