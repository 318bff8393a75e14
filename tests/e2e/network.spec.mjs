// Programs with a real network (`threadlab.run({source, network: 'real'})`): the `network` module's downloads
// are ranged requests the engine worker really makes (of the page's own file, www/files/data.bin, written by
// build.sh, when no address is given), each MB an I/O span on the thread's lane. A bad address fails with a
// clear message, and Stop ends a run waiting for the network at once.
import { test, expect, run } from './fixtures.mjs';

const texts = (r) => r.output.filter((o) => !o.err).map((o) => o.text);
const errors = (r) => r.output.filter((o) => o.err).map((o) => o.text).join('');
const laneId = (r, name) => r.lanes.find((l) => l.name === name)?.id;

test('a real run downloads the page\'s own file MB by MB, each MB an I/O span', async ({ page }) => {
  const requests = [];
  page.on('request', (req) => req.url().endsWith('/files/data.bin') && requests.push(req.headers().range));
  const source = [
    'import network, threading',
    'def get(name):',
    '    for mb in network.download(name, 2):',
    '        print(f"{name}: {mb} MB received")',
    't = threading.Thread(target=get, args=("pictures.zip",))',
    't.start()',
    'get("music.zip")',
    't.join()',
  ].join('\n');
  const r = await run(page, { source, network: 'real' });
  expect(r.status, errors(r)).toBe('completed');
  const lines = texts(r);
  for (const name of ['pictures.zip', 'music.zip']) {
    expect(lines.filter((l) => l.startsWith(name))).toEqual([`${name}: 1 MB received`, `${name}: 2 MB received`]);
  }
  for (const lane of ['MainThread', 'Thread-1 (get)']) {
    const io = r.spans.filter((s) => s.lane === laneId(r, lane) && s.kind === 'io');
    expect(io, lane).toHaveLength(2);
    expect(io[0]).toMatchObject({ line: 3, label: 'for mb in network.download(name, 2):' });
  }
  expect(requests.sort()).toEqual(['bytes=0-999999', 'bytes=0-999999', 'bytes=1000000-1999999', 'bytes=1000000-1999999']);
  // Its prediction is the simulated model (1 MB/s): 2 s.
  expect(r.predicted.wallMs).toBeCloseTo(2000, -2);

  // The same program with a simulated network makes no request.
  requests.length = 0;
  const simulated = await run(page, { source: source.replace('import network, threading', 'import network, threading\nnetwork.configure(bandwidth_mb_s=20)') });
  expect(simulated.status).toBe('completed');
  expect(requests).toEqual([]);
});

test('a bad address fails with a clear message, not a hang', async ({ page }) => {
  const source = [
    'import network',
    'try:',
    '    for mb in network.download("nowhere.zip", 3, url="http://127.0.0.1:1/nowhere.zip"):',
    '        print(mb)',
    'except ConnectionError as e:',
    '    print("failed:", e)',
    'for mb in network.download("missing.bin", 1, url="files/missing.bin"):',
    '    print(mb)',
  ].join('\n');
  const t = Date.now();
  const r = await run(page, { source, network: 'real' });
  expect(Date.now() - t).toBeLessThan(10_000);
  expect(texts(r)[0]).toMatch(/^failed: http:\/\/127\.0\.0\.1:1\/nowhere\.zip: network error or blocked by the server's CORS policy/);
  // Uncaught: the program fails with the address and the server's answer.
  expect(r.status).toBe('failed');
  expect(errors(r)).toMatch(/ConnectionError: files\/missing\.bin: HTTP 404 from http:\/\/127\.0\.0\.1:\d+\/files\/missing\.bin/);

  const refused = await run(page, { source: 'import network\nfor mb in network.download("x", 1, url="ftp://example.org/x"):\n    print(mb)\n', network: 'real' });
  expect(errors(refused)).toMatch(/ConnectionError: ftp:\/\/example\.org\/x: only http and https addresses can be downloaded/);

  await expect(run(page, { source: 'print(1)', network: 'fast' })).rejects.toThrow(/network: "fast" is not allowed; give "simulated"/);
});

test('Stop during a real download ends the run at once, and the next run works', async ({ page }) => {
  // A server that never answers: the request stays open until it is aborted.
  await page.route('**/slow.bin', () => {});
  const source = [
    'import network',
    'for mb in network.download("slow.bin", 5, url="slow.bin"):',
    '    print(mb)',
  ].join('\n');
  const began = page.evaluate(() => new Promise((resolve) => {
    const off = window.threadlab.on('start', () => (off(), resolve(undefined)));
  }));
  const started = page.evaluate((s) => window.threadlab.run({ source: s, network: 'real' }), source);
  // (The first run waits for the start-up's calibration.)
  await began;
  await page.waitForTimeout(300);
  const t = await page.evaluate(() => performance.now());
  await page.evaluate(() => window.threadlab.cancel());
  const r = await started;
  const stopped = await page.evaluate(() => performance.now());
  expect(r.status).toBe('cancelled');
  expect(stopped - t).toBeLessThan(300);
  expect(r.spans.filter((s) => s.kind === 'io')).toHaveLength(1);
  const again = await run(page, { source: 'import network\nfor mb in network.download("x", 1):\n    print(mb)\n', network: 'real' });
  expect(texts(again)).toEqual(['1']);
});

test('urllib.request.urlopen reads a body for real, and says what it needs without a real network', async ({ page }) => {
  const size = await page.evaluate(async () => (await (await fetch('index.html', { cache: 'no-store' })).arrayBuffer()).byteLength);
  const source = [
    'from urllib.request import urlopen, URLError',
    'from concurrent.futures import ThreadPoolExecutor',
    'def size(url):',
    '    with urlopen(url) as response:',
    '        return len(response.read())',
    'with ThreadPoolExecutor(2) as pool:',
    '    print(list(pool.map(size, ["index.html", "index.html"])))',
    'try:',
    '    urlopen("http://127.0.0.1:1/")',
    'except URLError as e:',
    '    print("failed:", e.reason)',
  ].join('\n');
  const r = await run(page, { source, network: 'real' });
  expect(r.status, errors(r)).toBe('completed');
  expect(texts(r)[0]).toBe(`[${size}, ${size}]`);
  expect(texts(r)[1]).toMatch(/^failed: http:\/\/127\.0\.0\.1:1\/: network error or blocked by the server's CORS policy/);
  expect(r.spans.filter((s) => s.kind === 'io' && s.line === 4).length).toBeGreaterThanOrEqual(2);

  // A process's downloads are real too: the engine worker makes them for it (only it can fetch).
  const inProcesses = await run(page, {
    network: 'real',
    source: [
      'from urllib.request import urlopen',
      'from concurrent.futures import ProcessPoolExecutor',
      'def size(url):',
      '    with urlopen(url) as response:',
      '        return len(response.read())',
      'if __name__ == "__main__":',
      '    with ProcessPoolExecutor(2) as pool:',
      '        print(list(pool.map(size, ["index.html", "index.html"])))',
    ].join('\n'),
  });
  expect(inProcesses.status, errors(inProcesses)).toBe('completed');
  expect(texts(inProcesses)).toEqual([`[${size}, ${size}]`]);
  const processLanes = inProcesses.lanes.filter((l) => l.kind === 'process').map((l) => l.id);
  expect(inProcesses.spans.some((s) => s.kind === 'io' && s.line === 4 && processLanes.includes(s.lane))).toBe(true);

  const simulated = await run(page, { source: 'from urllib.request import urlopen\nurlopen("index.html")\n' });
  expect(simulated.status).toBe('failed');
  expect(errors(simulated)).toMatch(/URLError: <urlopen error real downloads are not available in this run: urlopen needs a real network/);
});
