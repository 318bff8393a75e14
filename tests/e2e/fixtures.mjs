// A page fixture that fails the test on any console error or uncaught page error, and waits for the engine.
import { test as base, expect } from '@playwright/test';

export const test = base.extend({
  page: async ({ page }, use) => {
    const problems = [];
    // A test that provokes an error on purpose names it: `page.expectError(/Refused to execute/)`.
    const expected = [];
    page.expectError = (pattern) => expected.push(pattern);
    page.on('console', (m) => {
      if (m.type() === 'error' && !expected.some((p) => p.test(m.text()))) problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => expected.some((p) => p.test(e.message)) || problems.push(`page error: ${e.message}`));
    await page.goto('/');
    // The page module awaits its isolation check before it makes the API: 'load' can come first.
    await page.waitForFunction(() => window.threadlab);
    await page.evaluate(() => window.threadlab.ready);
    await use(page);
    expect(problems, 'the page logged errors').toEqual([]);
  },
});

export { expect };

/**
 * Opens a course page on the playground's own origin that isolates itself (so an embed runs real
 * threads), holding one iframe of the playground at `hash` with `attributes`; returns the frame, ready.
 */
export async function isolatedHost(page, baseURL, hash, attributes = '') {
  const host = `${baseURL}course.html`;
  await page.route(host, (route) =>
    route.fulfill({
      contentType: 'text/html',
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
      body: `<!doctype html><title>course</title><iframe ${attributes} src="${baseURL}${hash}" style="width:600px;height:900px"></iframe>`,
    }),
  );
  await page.goto(host);
  await expect.poll(() => page.frames().length).toBe(2);
  const frame = page.frames()[1];
  await frame.waitForFunction(() => window.threadlab);
  await frame.evaluate(() => window.threadlab.ready);
  return frame;
}

/** Runs through the JavaScript API and returns the record (or throws the refusal's message). */
export const run = (page, request) => page.evaluate((r) => window.threadlab.run(r), request);

/** The text of the program shown in the editor (CodeMirror's lines, or the plain editor before it loads). */
export const programText = (page) =>
  page.evaluate(() => {
    const lines = document.querySelectorAll('#code-python .cm-line');
    return lines.length ? [...lines].map((l) => l.textContent).join('\n') : document.querySelector('#code-python textarea')?.value ?? '';
  });
