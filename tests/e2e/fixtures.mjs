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
    await page.evaluate(() => window.threadlab.ready);
    await use(page);
    expect(problems, 'the page logged errors').toEqual([]);
  },
});

export { expect };

/** Runs through the JavaScript API and returns the record (or throws the refusal's message). */
export const run = (page, request) => page.evaluate((r) => window.threadlab.run(r), request);
