// Stock Firefox and WebKit, driven the way their own automation works (no browser is downloaded):
// - Firefox ESR (Debian's firefox-esr) over WebDriver BiDi with puppeteer-core (Playwright can't drive a
//   stock Firefox); headless.
// - WebKitGTK's MiniBrowser (Debian's webkit2gtk-driver) over classic WebDriver (WebKitWebDriver) with
//   selenium-webdriver, in an Xvfb display of its own; optionally with JSC_useSharedArrayBuffer=1, without
//   which WebKitGTK has no SharedArrayBuffer.
// Each gives the same small handle, so that one suite (suite.mjs) and the bench drive either through the
// page's JavaScript API, `window.threadlab`, never through the page's layout:
//   {name, version, open(url), openFrame(url), evaluate(fn, arg), close()}
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

export const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** The engines this machine has: `firefox`, `webkit` (with shared memory), `webkit-no-sab` (without). */
export function availableEngines() {
  const engines = [];
  if (existsSync(FIREFOX)) engines.push('firefox');
  if (existsSync(WEBKIT_DRIVER) && existsSync(MINIBROWSER) && existsSync('/usr/bin/Xvfb')) engines.push('webkit', 'webkit-no-sab');
  return engines;
}

/** @param {string} engine */
export function launch(engine) {
  if (engine === 'firefox') return launchFirefox();
  if (engine === 'webkit') return launchWebKit({ sharedArrayBuffer: true });
  if (engine === 'webkit-no-sab') return launchWebKit({ sharedArrayBuffer: false });
  throw new Error(`unknown engine ${engine}: firefox, webkit or webkit-no-sab`);
}

/**
 * The page's source of a call of `fn(arg)` that always answers `{ok}` or `{error}`: a rejection keeps its
 * message (drivers differ in how they report a page's exception).
 * @param {Function} fn
 */
const wrapped = (fn) =>
  `Promise.resolve().then(() => (${fn})(ARG)).then((ok) => ({ ok }), (e) => ({ error: String(e && e.message || e) }))`;

/** @param {{ok?: any, error?: string}} answer */
function unwrap(answer) {
  if (answer && 'error' in answer && answer.error !== undefined) throw new Error(answer.error);
  return answer?.ok;
}

/** Waits in the page (it may reload once, for the service worker) until the API is there and ready. */
const untilReady = async () => {
  for (let i = 0; i < 200 && !window.threadlab; i++) await new Promise((r) => setTimeout(r, 50));
  if (!window.threadlab) throw new Error('window.threadlab never appeared');
  let timer = 0;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('threadlab.ready did not settle within 30 s')), 30_000);
  });
  return Promise.race([window.threadlab.ready, late]).finally(() => clearTimeout(timer));
};

async function launchFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    // This machine's network is closed: no update checks, telemetry or remote settings.
    extraPrefsFirefox: { 'app.update.enabled': false, 'browser.shell.checkDefaultBrowser': false, 'datareporting.policy.dataSubmissionEnabled': false },
  });
  /** @type {string[]} */
  const errors = [];
  /** @type {any} */
  let page = null;
  /** @type {any} */
  let frame = null;
  // Each page in a tab of its own, the last one closed first (its engine and workers end with it).
  const freshPage = async () => {
    await page?.close();
    page = await browser.newPage();
    page.on('console', (/** @type {any} */ m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (/** @type {any} */ e) => errors.push(String(e?.message ?? e)));
    return page;
  };
  const version = (await browser.version()).replace(/^firefox\//, '');
  return {
    name: 'firefox',
    label: `Firefox ESR ${version}`,
    version,
    errors,
    /** @param {string} url */
    async open(url) {
      await (await freshPage()).goto(url);
      frame = page.mainFrame();
      await frame.waitForFunction(() => window.threadlab, { timeout: 20_000 }).catch(() => {});
      frame = page.mainFrame(); // after the service worker's reload, if there was one
      return this.evaluate(untilReady);
    },
    /** A host page holding one iframe of the playground: evaluations then run inside the frame. @param {string} url */
    async openFrame(url) {
      await (await freshPage()).goto(url);
      for (let i = 0; i < 100 && page.frames().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
      frame = page.frames()[1];
      if (!frame) throw new Error(`no iframe in ${url}`);
      await frame.waitForFunction(() => window.threadlab, { timeout: 20_000 });
      return this.evaluate(untilReady);
    },
    /** @param {Function} fn @param {any} [arg] */
    async evaluate(fn, arg) {
      return unwrap(await frame.evaluate(wrapped(fn).replace('ARG', JSON.stringify(arg ?? null))));
    },
    async close() {
      await Promise.race([browser.close(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
      browser.process()?.kill('SIGKILL');
    },
  };
}

/** A free TCP port on 127.0.0.1. */
export const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {any} */ (s.address());
      s.close(() => resolve(port));
    });
  });

/** Starts Xvfb on a display it picks itself (-displayfd); resolves to `{display, stop}`. */
function startXvfb() {
  return new Promise((resolve, reject) => {
    const x = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    let out = '';
    x.on('error', reject);
    x.on('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it gave a display`)));
    /** @type {any} */ (x.stdio[3]).on('data', (/** @type {Buffer} */ d) => {
      out += d;
      if (out.includes('\n')) resolve({ display: `:${out.trim()}`, stop: () => x.kill() });
    });
  });
}

/** Waits until a WebDriver server answers its status. @param {string} url */
async function untilServing(url) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/status`)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not start`);
}

/** @param {{sharedArrayBuffer: boolean}} options */
async function launchWebKit({ sharedArrayBuffer }) {
  const { Builder } = await import('selenium-webdriver');
  const xvfb = await startXvfb();
  const port = await freePort();
  const env = { ...process.env, DISPLAY: xvfb.display };
  if (sharedArrayBuffer) env.JSC_useSharedArrayBuffer = '1';
  else delete env.JSC_useSharedArrayBuffer;
  const server = spawn(WEBKIT_DRIVER, [`--port=${port}`], { env, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  let driver;
  try {
    await untilServing(url);
    driver = await new Builder()
      .usingServer(url)
      .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } })
      .build();
    await driver.manage().setTimeouts({ script: 120_000, pageLoad: 30_000 });
  } catch (e) {
    server.kill();
    xvfb.stop();
    throw e;
  }
  const version = String((await driver.getCapabilities()).get('browserVersion'));
  const name = sharedArrayBuffer ? 'webkit' : 'webkit-no-sab';
  return {
    name,
    label: `WebKitGTK ${version}${sharedArrayBuffer ? ' (JSC_useSharedArrayBuffer=1)' : ''}`,
    version,
    /** @type {string[]} WebDriver classic has no console; what matters shows in the API's answers. */
    errors: [],
    /** @param {string} url */
    async open(url) {
      await driver.switchTo().defaultContent();
      await driver.get(url);
      return this.evaluate(untilReady);
    },
    /** @param {string} url */
    async openFrame(url) {
      await driver.switchTo().defaultContent();
      await driver.get(url);
      await driver.switchTo().frame(0);
      return this.evaluate(untilReady);
    },
    /** @param {Function} fn @param {any} [arg] */
    async evaluate(fn, arg) {
      const script = `const done = arguments[arguments.length - 1]; ${wrapped(fn).replace('ARG', 'arguments[0]')}.then(done);`;
      return unwrap(await driver.executeAsyncScript(script, arg ?? null));
    },
    async close() {
      try {
        // A browser that stopped answering doesn't keep the driver and the display alive.
        await Promise.race([driver.quit(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
      } finally {
        server.kill();
        xvfb.stop();
      }
    },
  };
}
