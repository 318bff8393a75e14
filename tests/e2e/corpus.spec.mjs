// The CPython-checked corpus (tests/programs) run for real in the browser through threadlab.run({source}):
// each program's output must be CPython 3.11's, recorded beside it. (tests/corpus.rs runs the same
// programs natively through both runtimes; here they run on the page's workers.)
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test, expect } from './fixtures.mjs';

const dir = fileURLToPath(new URL('../programs/', import.meta.url));
const programs = readdirSync(dir)
  .filter((f) => f.endsWith('.py'))
  .map((f) => {
    const name = f.slice(0, -3);
    const expected = JSON.parse(readFileSync(`${dir}${name}.expected.json`, 'utf8'));
    return { name, source: readFileSync(`${dir}${f}`, 'utf8'), expected };
  })
  // Programs ThreadLab must refuse, or that CPython can't compile, are the front end's (tests/corpus.rs
  // checks them); ThreadLab-only expectations too.
  .filter(({ expected: e }) => !e.headers?.threadlab && !e.syntax_error && e.headers?.['threadlab-only'] === undefined);

const lines = (text) => text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);

test('every program of the corpus prints in the browser what CPython printed', async ({ page }) => {
  test.setTimeout(600_000);
  const differ = [];
  let ran = 0;
  for (const { name, source, expected } of programs) {
    const r = await page.evaluate((s) => window.threadlab.run({ source: s }), source);
    ran += 1;
    const stdout = r.output.filter((o) => !o.err).map((o) => o.text);
    const want = lines(expected.stdout);
    const anyOrder = expected.headers?.order === 'any';
    const same = anyOrder ? JSON.stringify([...stdout].sort()) === JSON.stringify([...want].sort()) : JSON.stringify(stdout) === JSON.stringify(want);
    const failed = r.status === 'failed';
    const shouldFail = expected.exception != null;
    if (!same || failed !== shouldFail) differ.push(`${name}: status ${r.status}${r.stopped ? ` (${r.stopped})` : ''}\n  got  ${JSON.stringify(stdout).slice(0, 300)}\n  want ${JSON.stringify(want).slice(0, 300)}`);
  }
  test.info().annotations.push({ type: 'corpus', description: `${ran} programs, ${ran - differ.length} as CPython` });
  console.log(`corpus in the browser: ${ran} programs, ${ran - differ.length} print what CPython printed`);
  expect(differ, differ.join('\n')).toEqual([]);
});
