// The playground as a learner and a teacher use it: type a program, see its error at its line, fix it, run
// it and watch each thread's line; parameters and code in step; variants as tabs; share the programs in a
// link and open it elsewhere; a read-only embed; predict, then run; keyboard only; the 360 px layout.
import { test, expect, programText } from './fixtures.mjs';

const THREADS = `import threading
import time

delay_s = 0.3  # param [0..5 s] Delay: how long each step sleeps.


def worker(n):
    for i in range(3):
        time.sleep(delay_s)
        print("worker", n, "step", i)


threads = [threading.Thread(target=worker, args=(k,)) for k in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("done")
`;

/** Replaces the program shown with `text` as a learner pasting it would: select all, paste. */
async function replaceProgram(page, text) {
  await page.locator('#code-python .cm-content').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.locator('#code-python .cm-content').evaluate((node, t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    node.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

/** Opens a link fresh, as a student opens it. */
async function open(page, hash) {
  await page.goto('about:blank');
  await page.goto(`/${hash}`);
  await page.evaluate(() => window.threadlab.ready);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('#code-python .cm-content')).toBeVisible();
}

test('type a program, see its error at its line, fix it, run it and watch each thread\'s line', async ({ page }) => {
  await open(page, '#example=two-threads&timeScale=1');
  // An error on line 9: the editor marks it there, and Run is disabled with the error named beside it.
  await replaceProgram(page, THREADS.replace('        time.sleep(delay_s)', '        time.sleep(delay_s'));
  await expect(page.locator('#run-why')).toContainText(/line 9, column \d+: /, { timeout: 5000 });
  await expect(page.locator('#run')).toBeDisabled();
  await expect(page.locator('#code-python .cm-lintRange-error, #code-python .cm-lintRange')).toHaveCount(1);
  const marked = await page.locator('#code-python .cm-lintRange').evaluate((n) => n.closest('.cm-line')?.textContent);
  expect(marked).toContain('time.sleep(delay_s');
  // The form is what the program declares: one field (the time scale is the run's, apart).
  await replaceProgram(page, THREADS);
  await expect(page.locator('#run-why')).toBeEmpty();
  await expect(page.locator('#run')).toBeEnabled();
  await expect(page.locator('#params .field')).toHaveCount(1);
  await expect(page.locator('#param-delay_s')).toHaveValue('0.3');
  await expect(page.locator('#edited')).toContainText('Edited');

  // Run: while it runs, each live thread's current line is marked in its lane's colour.
  const seen = new Set();
  await page.click('#run');
  const deadline = Date.now() + 8000;
  while (Date.now() < deadline) {
    const marks = await page.locator('#code-python .cm-threadLine').evaluateAll((lines) =>
      lines.map((l) => l.textContent.trim()),
    );
    marks.forEach((m) => seen.add(m));
    if (await page.locator('.timeline[data-mode="threads"]').getAttribute('data-status')) break;
    await page.waitForTimeout(50);
  }
  // The workers sleep on line 9 and the main thread waits in join() on line 17.
  expect([...seen]).toContain('time.sleep(delay_s)');
  expect([...seen]).toContain('t.join()');
  await expect(page.locator('.timeline[data-mode="threads"]')).toHaveAttribute('data-status', 'completed');
  await expect(page.locator('#log .log-line[data-mode="threads"] .log-text').last()).toHaveText('done');
  // Selecting a line lights up the spans it made, and what was printed during them.
  await expect(page.locator('.timeline[data-mode="sequential"]')).toHaveAttribute('data-status', /./, { timeout: 15_000 });
  await page.click('#tab-threads');
  // Showing another tab changes no program: the run's bars stay (a prediction drawn anew would clear them).
  await page.waitForTimeout(400);
  await expect(page.locator('.timeline[data-mode="threads"]')).toHaveAttribute('data-status', 'completed');
  await expect(page.locator('.timeline[data-mode="sequential"]')).toHaveAttribute('data-status', 'completed');
  await page.locator('#code-python .cm-line', { hasText: 'time.sleep(delay_s)' }).click();
  // Six sleeps (two workers, three steps), and the steps that resumed there and printed.
  await expect.poll(() => page.locator('.timeline[data-mode="threads"] .span.measured.highlight').count()).toBeGreaterThanOrEqual(6);
  // A print's line lights up exactly what it printed: six lines, two workers' three steps.
  await page.locator('#code-python .cm-line', { hasText: 'print("worker", n, "step", i)' }).click();
  await expect(page.locator('#log .log-line.highlight')).toHaveCount(6);
  await expect(page.locator('#log .log-line.highlight .log-text').first()).toHaveText(/^worker \d step 0$/);
  // And the reverse: an output line marks the line of the program that printed it.
  await page.locator('#log .log-line[data-mode="threads"]', { hasText: 'done' }).click();
  await expect(page.locator('#code-python .cm-spanLine')).toHaveText('print("done")');
});

test('parameters and code stay in step, both ways, and a value out of its limits is refused at both', async ({ page }) => {
  await open(page, '#example=orders');
  await page.fill('#param-coffee_s', '2.5');
  await expect.poll(() => programText(page)).toMatch(/^coffee_s = 2\.5  # param/m);
  await expect(page).toHaveURL(/coffee_s=2\.5/);
  // Editing the value in the code updates the field.
  const text = await programText(page);
  await replaceProgram(page, text.replace('coffee_s = 2.5', 'coffee_s = 4.0'));
  await expect(page.locator('#param-coffee_s')).toHaveValue('4');
  // Out of its limits: refused in the form (the code keeps its value) …
  await page.fill('#param-coffee_s', '99');
  await expect(page.locator('.field[data-field="coffee_s"] .field-error')).toContainText('99 is out of range; allowed: a number from 0 to 60 s');
  await expect(page.locator('#run')).toBeDisabled();
  expect(await programText(page)).toMatch(/^coffee_s = 4\.0/m);
  await page.fill('#param-coffee_s', '1');
  await expect(page.locator('#run')).toBeEnabled();
  // … and in the code, at its line and column.
  await replaceProgram(page, (await programText(page)).replace(/^coffee_s = [\d.]+/m, 'coffee_s = 99.0'));
  await expect(page.locator('#run-why')).toContainText('line 3, column 12: the value of `coffee_s` is out of range');
  await expect(page.locator('#run')).toBeDisabled();
  // A program that declares nothing has no form: a line says how to declare one.
  await replaceProgram(page, 'print("hi")\n');
  await expect(page.locator('#params .field')).toHaveCount(0);
  await expect(page.locator('#no-params')).toBeVisible();
  await expect(page.locator('#scale #param-timeScale')).toBeVisible();
});

test('variants: copy a program, change it, run both on one axis, remove it', async ({ page }) => {
  await open(page, '#example=orders&timeScale=0.05');
  await page.click('#tab-asyncio');
  await page.click('#add-variant');
  await expect(page.locator('#tabs [role=tab]')).toHaveText(['sequential', 'asyncio', 'asyncio-copy •']);
  await expect(page.locator('#tab-asyncio-copy')).toHaveAttribute('aria-selected', 'true');
  // The copy waits for cake only: gather two orders.
  await replaceProgram(page, (await programText(page)).replace('order_coffee(), order_food(), order_cake()', 'order_coffee(), order_cake()'));
  await expect(page.locator('#run')).toBeEnabled();
  await page.click('#run');
  await expect(page.locator('.timeline[data-mode="asyncio-copy"]')).toHaveAttribute('data-status', 'completed', { timeout: 15_000 });
  await expect(page.locator('#compare tbody tr')).toHaveCount(3);
  const copy = await page.locator('#compare tr[data-mode="asyncio-copy"] td').nth(1).textContent();
  expect(parseFloat(copy)).toBeLessThan(0.2); // 3 s at 0.05
  // Every program's original stays: the example's asyncio is unchanged.
  await page.click('#tab-asyncio');
  expect(await programText(page)).toContain('order_coffee(), order_food(), order_cake()');
  await page.click('#tab-asyncio-copy');
  await page.click('#remove-variant');
  await expect(page.locator('#tabs [role=tab]')).toHaveText(['sequential', 'asyncio']);
  await expect(page.locator('.timeline')).toHaveCount(2);
});

test('a link carries edited programs; the page it opens has them, and Reset returns to them', async ({ page, context }) => {
  await open(page, '#example=two-threads');
  await replaceProgram(page, THREADS);
  await expect(page.locator('#run')).toBeEnabled();
  await page.click('#copy-link');
  await expect(page.locator('#share-text')).toHaveValue(/code=/);
  const link = await page.locator('#share-text').inputValue();
  expect(link).toMatch(/[#&]code=[\w-]+/);
  const other = await context.newPage();
  await open(other, new URL(link).hash);
  await expect(other.locator('#title')).toHaveText(await page.locator('#title').textContent());
  expect(await programText(other)).toBe(THREADS);
  // Nothing differs from what the link carried; an edit does, and Reset returns to the link's programs.
  await expect(other.locator('#edited')).toBeEmpty();
  await expect(other.locator('#reset')).toBeDisabled();
  await replaceProgram(other, 'print("mine")\n');
  await expect(other.locator('#edited')).toContainText("differs from the link's programs");
  await other.click('#reset');
  await expect.poll(() => programText(other)).toBe(THREADS);
  await expect(other.locator('#reset')).toBeDisabled();
  // The embed code carries them too.
  await page.click('#copy-embed');
  await expect(page.locator('#share-text')).toHaveValue(/^<iframe/);
  expect(await page.locator('#share-text').inputValue()).toMatch(/^<iframe src="[^"]*code=[\w-]+[^"]*&amp;embed=1"/);
  // A link whose programs were cut short is refused, saying so, and the example's stand.
  await open(other, `${new URL(link).hash.replace(/(code=[\w-]{20})[\w-]*/, '$1')}`);
  await expect(other.locator('#error')).toContainText("code: the link's programs were refused: it could not be read");
});

test('a program too long for a link says so, with the limit', async ({ page }) => {
  await open(page, '#example=orders');
  // Incompressible text: 40 000 random letters in a comment.
  const noise = Array.from({ length: 40_000 }, (_, i) => String.fromCharCode(97 + ((i * 7919) ^ (i >> 3)) % 26)).join('');
  await replaceProgram(page, `# ${noise}\nprint("long")\n`);
  await expect(page.locator('#run')).toBeEnabled();
  await page.click('#copy-link');
  await expect(page.locator('#share-status')).toContainText(/too long to share in a link: compressed they take \d+ characters, and a link holds at most 24000/);
});

test('an embed opened with edit=0 is read-only, its values still adjustable', async ({ page }) => {
  await open(page, '#example=orders&embed=1&edit=0&timeScale=0.05');
  const before = await programText(page);
  await page.locator('#code-python .cm-content').click();
  await page.keyboard.type('junk');
  expect(await programText(page)).toBe(before);
  await expect(page.locator('#add-variant')).toBeHidden();
  await page.fill('#param-coffee_s', '2');
  await expect.poll(() => programText(page)).toMatch(/^coffee_s = 2\.0/m);
  await expect(page).toHaveURL(/edit=0/);
  await page.click('#run');
  await expect(page.locator('.timeline[data-mode="asyncio"]')).toHaveAttribute('data-status', 'completed', { timeout: 10_000 });
});

test('predict, then run: the answers stand beside the run and the prediction', async ({ page }) => {
  await open(page, '#example=orders&quiz=1&timeScale=0.05&mode=asyncio');
  await expect(page.locator('#quiz-toggle')).toBeChecked();
  await page.click('#run');
  await expect(page.locator('#quiz-seconds')).toBeFocused();
  await page.fill('#quiz-seconds', 'soon');
  await page.click('#quiz-go');
  await expect(page.locator('#quiz [role=alert]')).toContainText('soon is not a time; allowed: a number of seconds from 0 to 3600');
  await page.fill('#quiz-seconds', '5');
  await page.selectOption('#quiz-first', 'ordered coffee');
  await page.selectOption('#quiz-last', 'received cake');
  await page.click('#quiz-go');
  await expect(page.locator('.timeline[data-mode="asyncio"]')).toHaveAttribute('data-status', 'completed', { timeout: 10_000 });
  const table = page.locator('#quiz table');
  await expect(table).toContainText('you said');
  await expect(table.locator('tr', { hasText: 'how long' })).toContainText('✓ right');
  await expect(table.locator('tr', { hasText: 'printed first' })).toContainText('ordered coffee ✓ right');
  // asyncio's last line is the food, which takes longest.
  await expect(table.locator('tr', { hasText: 'printed last' })).toContainText('received cake ✗ not this time');
  await expect(table.locator('tr', { hasText: 'printed last' })).toContainText('received food');
  // The toggle writes the switch into the link.
  await page.click('#quiz-toggle');
  await expect(page).not.toHaveURL(/quiz=1/);
});

test('keyboard only: tabs by arrows, the editor and the way out of it, a span names its line', async ({ page }) => {
  await open(page, '#example=orders&timeScale=0.05');
  await page.locator('#tab-sequential').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#tab-asyncio')).toBeFocused();
  await expect(page.locator('#tab-asyncio')).toHaveAttribute('aria-selected', 'true');
  // Tab reaches the editor (past the copy and remove buttons); there Tab indents, Escape then Tab leaves.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(page.locator('#code-python .cm-content')).toBeFocused();
  await expect(page.locator('#code-python .cm-content')).toHaveAttribute('aria-describedby', /.+/);
  await page.keyboard.press('Tab');
  await expect(page.locator('#code-python .cm-content')).toBeFocused();
  await page.keyboard.press('ControlOrMeta+Z');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await expect(page.locator('#code-python .cm-content')).not.toBeFocused();
  // Run from the keyboard, then reach a span: it names its line, and the editor marks that line.
  await page.locator('#run').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('.timeline[data-mode="asyncio"]')).toHaveAttribute('data-status', 'completed', { timeout: 10_000 });
  const span = page.locator('.timeline[data-mode="asyncio"] .span.measured[data-line]').first();
  await span.focus();
  await expect(page.locator('#tip')).toContainText(/line \d+: /);
  const line = Number(await span.getAttribute('data-line'));
  await expect(page.locator('#code-python .cm-spanLine')).toHaveCount(1);
  const lineText = (await programText(page)).split('\n')[line - 1];
  await expect(page.locator('#code-python .cm-spanLine')).toHaveText(lineText);
});

test('at 360 px the playground stacks and nothing scrolls sideways', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 800 });
  for (const hash of ['#example=orders', '#example=cpu-vs-io', '#example=image-downloader&embed=1']) {
    await open(page, hash);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, hash).toBeLessThanOrEqual(0);
    // Stacked: the run's column is below the program's.
    const program = await page.locator('section.program').boundingBox();
    const run = await page.locator('section.run').boundingBox();
    expect(run.y).toBeGreaterThan(program.y + program.height - 1);
  }
  // The toolbar stays in view when scrolled down to the output.
  await page.locator('#log').scrollIntoViewIfNeeded();
  await expect(page.locator('#run')).toBeInViewport();
});

test('a teacher starts a program of their own, and the link carries it without an example', async ({ page, context }) => {
  await open(page, '#example=orders&timeScale=0.05');
  await page.selectOption('#example', '(new)');
  await expect(page.locator('#tabs [role=tab]')).toHaveText(['program']);
  await expect(page.locator('#title')).toHaveText('Your program');
  await expect(page.locator('#lesson-box')).toBeHidden();
  await expect(page.locator('#params .field')).toHaveCount(2);
  await page.fill('#param-workers', '4');
  await expect.poll(() => programText(page)).toMatch(/^workers = 4  # param/m);
  await page.click('#run');
  await expect(page.locator('.timeline[data-mode="program"]')).toHaveAttribute('data-status', 'completed', { timeout: 10_000 });
  await expect(page.locator('#log .log-line .log-text').last()).toHaveText('all done');
  await page.click('#copy-link');
  await expect(page.locator('#share-text')).toHaveValue(/code=/);
  const link = new URL(await page.locator('#share-text').inputValue());
  expect(link.hash).not.toContain('example=');
  const other = await context.newPage();
  await open(other, link.hash);
  await expect(other.locator('#title')).toHaveText('Your program');
  expect(await programText(other)).toBe(await programText(page));
});

test('quick edits in two tabs are both checked, and a double click on Run runs each program once', async ({ page }) => {
  await open(page, '#example=orders&timeScale=0.05');
  // An edit in one tab, then at once one in the other: each program gets its own check.
  await replaceProgram(page, (await programText(page)).replace('print("ordered coffee")', 'print("ordered coffee", 1)'));
  await page.click('#tab-asyncio');
  await replaceProgram(page, (await programText(page)).replace('print("ordered coffee")', 'print("ordered coffee", 2)'));
  await expect(page.locator('#run')).toBeEnabled();
  const starts = [];
  await page.exposeFunction('started', (mode) => starts.push(mode));
  await page.evaluate(() => window.threadlab.on('start', (s) => window.started(s.request.label?.mode)));
  await page.dblclick('#run');
  await expect(page.locator('.timeline[data-mode="asyncio"]')).toHaveAttribute('data-status', 'completed', { timeout: 10_000 });
  await expect(page.locator('#run')).toBeEnabled();
  expect(starts).toEqual(['sequential', 'asyncio']);
  await expect(page.locator('#log .log-text', { hasText: /^ordered coffee [12]$/ })).toHaveCount(2);
});
