// The program's editor (www/editor.js) on its own, as a user types into it: the page that integrates it is
// tested elsewhere. A small test page on the playground's own origin, under the product's CSP (from
// www/_headers), mounts one editor between two buttons and exposes it as `window.editor`, its callbacks'
// calls as `window.calls`, and any CSP violation as `window.violations`.
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures.mjs';

const csp = /^\s+Content-Security-Policy:\s*(.*)$/m.exec(readFileSync(new URL('../../www/_headers', import.meta.url), 'utf8'))[1];

const PROGRAM = `import threading

def work(n):
    total = 0
    for i in range(n):
        total += i
    return total

t = threading.Thread(target=work, args=(10,))
t.start()
t.join()
print("done")
`;

const HARNESS = `
import { mountEditor } from './editor.js';
window.violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.calls = [];
const readOnly = new URLSearchParams(location.search).has('readOnly');
window.editor = mountEditor(document.getElementById('host'), {
  doc: ${JSON.stringify(PROGRAM)},
  readOnly,
  onChange: (doc) => window.calls.push(['change', doc]),
  onSelectLine: (line) => window.calls.push(['line', line]),
});
`;

/** Opens the test page (read-only with `?readOnly`); with `upgrade`, waits for CodeMirror. */
async function openEditor(page, baseURL, { upgrade = true, query = '' } = {}) {
  const headers = { 'Content-Security-Policy': csp, 'Cache-Control': 'no-cache' };
  await page.route(`${baseURL}editor-test.html*`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      headers,
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>editor</title>
        <link rel="stylesheet" href="style.css"><link rel="stylesheet" href="editor.css">
        <script type="module" src="editor-test.js"></script></head>
        <body><button id="before">before</button><div id="host"></div><button id="after">after</button></body></html>`,
    }),
  );
  await page.route(`${baseURL}editor-test.js`, (route) => route.fulfill({ contentType: 'text/javascript', headers, body: HARNESS }));
  await page.goto(`${baseURL}editor-test.html${query}`);
  await page.waitForFunction(() => window.editor);
  if (upgrade) await page.evaluate(() => window.editor.upgrade());
}

const doc = (page) => page.evaluate(() => window.editor.doc);
const calls = (page) => page.evaluate(() => window.calls);
const line = (page, n) => page.locator('.cm-content .cm-line').nth(n - 1);

test.afterEach(async ({ page }) => {
  expect(await page.evaluate(() => window.violations ?? []), 'CSP violations').toEqual([]);
});

test('it starts as a textarea, and the upgrade keeps the text, the cursor and focus', async ({ page, baseURL }) => {
  await openEditor(page, baseURL, { upgrade: false });
  const textarea = page.getByRole('textbox', { name: 'Program' });
  await expect(textarea).toHaveValue(PROGRAM);
  expect(await page.evaluate(() => window.editor.upgraded)).toBe(false);
  // Typed before the upgrade: a comment at the end of line 4, the cursor after it.
  const at = PROGRAM.indexOf('total = 0') + 'total = 0'.length;
  await textarea.evaluate((t, at) => t.setSelectionRange(at, at), at);
  await textarea.focus();
  await page.keyboard.type('  # start');
  await page.evaluate(() => window.editor.upgrade());
  expect(await page.evaluate(() => window.editor.upgraded)).toBe(true);
  await expect(page.locator('textarea')).toHaveCount(0);
  const content = page.getByRole('textbox', { name: 'Program' });
  await expect(content).toHaveClass(/cm-content/);
  await expect(content).toBeFocused();
  expect(await doc(page)).toBe(PROGRAM.replace('total = 0', 'total = 0  # start'));
  // The cursor is where it was: typing goes on after the comment.
  await page.keyboard.type('!');
  await expect(line(page, 4)).toHaveText('    total = 0  # start!');
  // Python is highlighted, lines are numbered.
  await expect(line(page, 3).locator('.tok-keyword').first()).toHaveText('def');
  await expect(page.locator('.cm-lineNumbers .cm-gutterElement', { hasText: /^12$/ })).toHaveCount(1);
});

test('the upgrade keeps a backward selection and the scroll position', async ({ page, baseURL }) => {
  await openEditor(page, baseURL, { upgrade: false });
  const long = Array.from({ length: 300 }, (_, i) => `print(${i + 1})`).join('\n');
  await page.evaluate((text) => window.editor.setDoc(text), long);
  const textarea = page.locator('textarea');
  // Lines 200 to 201 selected from the end backwards, and the textarea scrolled to line 190 or so.
  const from = long.indexOf('print(200)');
  const to = long.indexOf('print(201)') + 'print(201)'.length;
  await textarea.evaluate((t, [from, to]) => { t.setSelectionRange(from, to, 'backward'); t.scrollTop = 2500; }, [from, to]);
  const before = await textarea.evaluate((t) => t.scrollTop);
  await page.evaluate(() => window.editor.upgrade());
  const scroller = page.locator('.cm-scroller');
  expect(Math.abs((await scroller.evaluate((s) => s.scrollTop)) - before)).toBeLessThan(2);
  // The selection, backwards: Shift-Right moves its head (at the start of line 200) one character on, and
  // typing replaces what is still selected.
  await page.locator('.cm-content').focus();
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.type('x');
  expect(await doc(page)).toContain('\nprint(199)\npx\nprint(202)\n');
});

test('typing calls onChange, and undo takes it back', async ({ page, baseURL }) => {
  await openEditor(page, baseURL);
  await line(page, 12).click();
  await page.keyboard.press('End');
  await page.keyboard.type('  # bye');
  expect(await doc(page)).toContain('print("done")  # bye');
  const changes = (await calls(page)).filter(([kind]) => kind === 'change');
  expect(changes.at(-1)[1]).toContain('# bye');
  await page.keyboard.press('Control+z');
  expect(await doc(page)).toBe(PROGRAM);
  expect((await calls(page)).at(-1)).toEqual(['change', PROGRAM]);
  await page.keyboard.press('Control+Shift+z');
  expect(await doc(page)).toContain('# bye');
});

test('a diagnostic shows at its line and column, with its message readable', async ({ page, baseURL }) => {
  await openEditor(page, baseURL);
  await page.evaluate(() => window.editor.setDiagnostics([{ line: 6, column: 9, message: "name 'total' is not defined" }]));
  // The token at line 6, column 9 is underlined, and the gutter carries a marker.
  await expect(line(page, 6).locator('.cm-lintRange-error')).toHaveText('total');
  await expect(page.locator('.cm-gutter-lint .cm-lint-marker-error')).toHaveCount(1);
  // The message: on hover, and in the editor's description for screen readers.
  await line(page, 6).locator('.cm-lintRange-error').hover();
  await expect(page.locator('.cm-tooltip-lint')).toHaveText("name 'total' is not defined");
  const content = page.locator('.cm-content');
  await expect(content).toHaveAccessibleDescription(/Line 6, column 9: name 'total' is not defined/);
  // A problem at the end of a line (nothing to underline) and one with its own end.
  await page.evaluate(() => window.editor.setDiagnostics([
    { line: 3, column: 13, message: 'expected a colon' },
    { line: 9, column: 5, endLine: 9, endColumn: 21, message: 'not a thread' },
  ]));
  await expect(line(page, 6).locator('.cm-lintRange-error')).toHaveCount(0);
  await expect(line(page, 3).locator('.cm-lintPoint-error')).toHaveCount(1);
  await expect(line(page, 9).locator('.cm-lintRange-error')).toHaveText('threading.Thread');
  // From the keyboard: Ctrl-Shift-M lists the problems in a panel (a listbox), Escape goes back to the text.
  await line(page, 1).click();
  await page.keyboard.press('Control+Shift+KeyM');
  const panel = page.getByRole('listbox', { name: 'Diagnostics' });
  await expect(panel).toBeFocused();
  await expect(panel.getByRole('option')).toHaveText(['expected a colon', 'not a thread']);
  await page.keyboard.press('Escape');
  await expect(content).toBeFocused();
  await page.evaluate(() => window.editor.setDiagnostics([]));
  await expect(page.locator('.cm-lintRange-error, .cm-lintPoint-error, .cm-lint-marker-error')).toHaveCount(0);
  await expect(content).not.toHaveAccessibleDescription(/Line/);
});

test('diagnostics set before the upgrade show in the textarea, then in CodeMirror', async ({ page, baseURL }) => {
  await openEditor(page, baseURL, { upgrade: false });
  await page.evaluate(() => window.editor.setDiagnostics([{ line: 10, column: 1, message: 'no such name: t' }]));
  await expect(page.locator('.editor-problems')).toHaveText('Line 10, column 1: no such name: t');
  await expect(page.locator('textarea')).toHaveAttribute('aria-invalid', 'true');
  await page.evaluate(() => window.editor.upgrade());
  await expect(line(page, 10).locator('.cm-lintRange-error')).toHaveText('t');
});

test('line marks: a bar per live thread in its colour, several on one line, moving cheaply', async ({ page, baseURL }) => {
  await openEditor(page, baseURL);
  // (The gutter's invisible spacer holds one mark too, to keep its width from the start.)
  const marks = page.locator('.cm-threadMark:visible');
  const bars = (n) => page.locator('.cm-threadGutter .cm-gutterElement:visible').filter({ has: page.locator('.cm-threadMark') }).nth(n);
  const colours = (loc) => loc.locator('.cm-threadMark').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
  const set = (marks) => page.evaluate((m) => window.editor.setLineMarks(m), marks);
  await set([
    { line: 6, colour: '#E69F00', label: 'Thread-1 (work)' },
    { line: 10, colour: '#56B4E9', label: 'MainThread' },
  ]);
  await expect(marks).toHaveCount(2);
  expect(await colours(bars(0))).toEqual(['rgb(230, 159, 0)']);
  expect(await colours(bars(1))).toEqual(['rgb(86, 180, 233)']);
  await expect(bars(0).locator('.cm-threadMarks')).toHaveAttribute('title', 'Thread-1 (work)');
  await expect(line(page, 6)).toHaveClass(/cm-threadLine/);
  await expect(line(page, 10)).toHaveClass(/cm-threadLine/);
  // Both threads on one line: two bars there, in order.
  await set([
    { line: 11, colour: '#56B4E9', label: 'MainThread' },
    { line: 11, colour: '#E69F00', label: 'Thread-1 (work)' },
  ]);
  await expect(marks).toHaveCount(2);
  expect(await colours(bars(0))).toEqual(['rgb(86, 180, 233)', 'rgb(230, 159, 0)']);
  await expect(bars(0).locator('.cm-threadMarks')).toHaveAttribute('title', 'MainThread, Thread-1 (work)');
  await expect(page.locator('.cm-threadLine')).toHaveCount(1);
  await expect(line(page, 6)).not.toHaveClass(/cm-threadLine/);
  // Up to sixty updates a second during a run: a move costs one small transaction, the same marks again
  // nothing at all.
  const ms = await page.evaluate(() => {
    const time = (f) => { const t0 = performance.now(); for (let i = 0; i < 600; i++) f(i); return performance.now() - t0; };
    return {
      moved: time((i) => window.editor.setLineMarks([{ line: 4 + (i % 4), colour: '#009E73', label: 'Thread-2' }])),
      same: time(() => window.editor.setLineMarks([{ line: 4, colour: '#009E73', label: 'Thread-2' }])),
    };
  });
  console.log(`editor: setLineMarks, 600 moves ${ms.moved.toFixed(0)} ms (${(ms.moved / 600).toFixed(2)} ms each), 600 unchanged ${ms.same.toFixed(1)} ms`);
  expect(ms.moved / 600).toBeLessThan(4);
  expect(ms.same / 600).toBeLessThan(0.1);
  await set([]);
  await expect(marks).toHaveCount(0);
  await expect(page.locator('.cm-threadLine')).toHaveCount(0);
});

test('the highlighted line has a background of its own', async ({ page, baseURL }) => {
  await openEditor(page, baseURL);
  await page.evaluate(() => window.editor.setHighlight(5));
  await expect(line(page, 5)).toHaveClass(/cm-spanLine/);
  const bg = (n) => line(page, n).evaluate((e) => getComputedStyle(e).backgroundColor);
  expect(await bg(5)).not.toBe(await bg(4));
  await page.evaluate(() => window.editor.setHighlight(null));
  await expect(page.locator('.cm-spanLine')).toHaveCount(0);
});

test('light and dark follow the page, also when the scheme changes while it is open', async ({ page, baseURL }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openEditor(page, baseURL);
  const keyword = line(page, 3).locator('.tok-keyword').first();
  const colour = (loc) => loc.evaluate((e) => getComputedStyle(e).color);
  const background = () => page.locator('.cm-editor').evaluate((e) => getComputedStyle(e).backgroundColor);
  expect(await colour(keyword)).toBe('rgb(138, 26, 168)');
  expect(await background()).toBe('rgb(253, 253, 252)');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => colour(keyword)).toBe('rgb(217, 166, 255)');
  expect(await background()).toBe('rgb(21, 22, 23)');
  // CodeMirror's own parts (selection, tooltips, the problems panel) take its dark theme too.
  await page.evaluate(() => window.editor.setDiagnostics([{ line: 6, column: 9, message: 'dark tooltip' }]));
  await line(page, 6).locator('.cm-lintRange-error').hover();
  const tooltip = page.locator('.cm-tooltip');
  await expect(tooltip).toHaveText('dark tooltip');
  expect(await tooltip.evaluate((e) => getComputedStyle(e).backgroundColor)).not.toBe('rgb(245, 245, 245)');
});

test('read-only refuses typing but allows focus and selection', async ({ page, baseURL }) => {
  await openEditor(page, baseURL, { query: '?readOnly' });
  const content = page.getByRole('textbox', { name: 'Program' });
  await expect(content).toHaveAttribute('aria-readonly', 'true');
  await line(page, 1).click();
  await expect(content).toBeFocused();
  await page.keyboard.press('Home');
  await page.keyboard.type('oops');
  await page.keyboard.press('Enter');
  expect(await doc(page)).toBe(PROGRAM);
  await page.keyboard.press('Shift+End');
  expect(await page.evaluate(() => String(document.getSelection()))).toBe('import threading');
  // No hint: Tab isn't taken in a read-only editor, so it leaves at once.
  await expect(page.locator('.editor-hint')).toBeHidden();
  await page.keyboard.press('Tab');
  await expect(page.locator('#after')).toBeFocused();
  // Editable again.
  await page.evaluate(() => window.editor.setReadOnly(false));
  await line(page, 1).click();
  await page.keyboard.press('End');
  await page.keyboard.type(' as th');
  expect(await doc(page)).toContain('import threading as th');
});

test('Tab indents; Escape then Tab leaves; Shift-Tab and Ctrl-M too; the way out is in the description', async ({ page, baseURL }) => {
  await openEditor(page, baseURL);
  const content = page.getByRole('textbox', { name: 'Program' });
  await expect(content).toHaveAccessibleDescription(/Esc then Tab leaves the editor/);
  await expect(page.locator('.editor-hint')).toBeVisible();
  await line(page, 10).click();
  await page.keyboard.press('Home');
  await page.keyboard.press('Tab');
  expect(await doc(page)).toContain('\n    t.start()\n');
  await expect(content).toBeFocused();
  // Enter keeps the indentation of a block.
  await line(page, 3).click();
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('pass');
  expect(await doc(page)).toContain('def work(n):\n    pass\n');
  // The way out, forwards and backwards.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await expect(page.locator('#after')).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(content).toBeFocused();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Tab');
  await expect(page.locator('#before')).toBeFocused();
  // Ctrl-M: Tab moves focus until it is pressed again.
  await page.keyboard.press('Tab');
  await expect(content).toBeFocused();
  await page.keyboard.press('Control+m');
  await page.keyboard.press('Tab');
  await expect(page.locator('#after')).toBeFocused();
});

test('in the textarea (before the upgrade) Tab leaves at once, and cursor moves are reported', async ({ page, baseURL }) => {
  await openEditor(page, baseURL, { upgrade: false });
  await page.locator('#before').focus();
  await page.keyboard.press('Tab');
  await expect(page.locator('textarea')).toBeFocused();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  expect((await calls(page)).filter(([k]) => k === 'line')).toEqual([['line', 1], ['line', 2], ['line', 3]]);
  await page.keyboard.press('Tab');
  await expect(page.locator('#after')).toBeFocused();
});

test('onSelectLine reports the line the cursor moves to', async ({ page, baseURL }) => {
  await openEditor(page, baseURL);
  await line(page, 5).click();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End'); // same line: not reported again
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  expect((await calls(page)).filter(([k]) => k === 'line')).toEqual([['line', 5], ['line', 6], ['line', 5], ['line', 4]]);
});

test('setDoc and replaceRange are external: no onChange, the cursor stays, undo takes them back', async ({ page, baseURL }) => {
  await openEditor(page, baseURL);
  await line(page, 12).click();
  await page.keyboard.press('End');
  const before = (await calls(page)).length;
  // A parameter field rewrites the literal 10 on line 9 (columns count characters, the end is exclusive).
  const column = PROGRAM.split('\n')[8].indexOf('10') + 1;
  await page.evaluate((c) => window.editor.replaceRange(9, c, c + 2, '250'), column);
  await page.evaluate(() => window.editor.setDoc(window.editor.doc.replace('print("done")', 'print("all done")')));
  expect(await doc(page)).toBe(PROGRAM.replace('(10,)', '(250,)').replace('"done"', '"all done"'));
  expect((await calls(page)).slice(before)).toEqual([]);
  // The cursor stayed at the end of line 12.
  await page.keyboard.type('#');
  expect(await doc(page)).toContain('print("all done")#\n');
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  expect(await doc(page)).toBe(PROGRAM);
  // A fresh history (another program): undo has nothing to take back.
  await page.evaluate(() => window.editor.setDoc('print(1)\n', { resetHistory: true }));
  await page.keyboard.press('Control+z');
  expect(await doc(page)).toBe('print(1)\n');
  await expect(page.evaluate(() => window.editor.replaceRange(5, 1, 2, 'x'))).rejects.toThrow(/lines 1 to 2/);
});

test('if CodeMirror fails to load, the textarea stays and the reason is given', async ({ page, baseURL }) => {
  page.expectError(/Failed to load resource.*404/);
  await page.route(`${baseURL}vendor/codemirror.js`, (route) => route.fulfill({ status: 404, body: 'gone' }));
  await openEditor(page, baseURL, { upgrade: false });
  const reason = await page.evaluate(() => window.editor.upgrade().then(() => 'upgraded', (e) => String(e)));
  expect(reason).toMatch(/Failed to fetch dynamically imported module/);
  expect(await page.evaluate(() => window.editor.upgraded)).toBe(false);
  await page.locator('textarea').fill('print(2)\n');
  expect((await calls(page)).at(-1)).toEqual(['change', 'print(2)\n']);
});

test('time from upgrade() to CodeMirror shown (figure for ARCHITECTURE.md)', async ({ page, baseURL }) => {
  const times = [];
  for (let i = 0; i < 7; i++) {
    await openEditor(page, baseURL, { upgrade: false });
    times.push(await page.evaluate(async () => {
      const t0 = performance.now();
      await window.editor.upgrade();
      // Shown: the frame after the mount has been painted.
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
      return performance.now() - t0;
    }));
    await expect(page.locator('.cm-editor')).toBeVisible();
  }
  times.sort((a, b) => a - b);
  console.log(`editor: upgrade() to CodeMirror shown: median ${times[3].toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')} ms, no-cache)`);
});
