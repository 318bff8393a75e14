// Serves a folder on 127.0.0.1 with the headers that make the page cross-origin isolated, which is what
// lets it share wasm memory between workers (SharedArrayBuffer) and so run real threads.
// Usage: node tools/serve.mjs [--port N] [--root DIR] [--no-isolation]   (--port 0 picks a free port)
// --no-isolation serves as a host that can't set headers would (GitHub Pages): no COOP/COEP and no
// Document-Isolation-Policy, so the page falls back to its service worker, or, in a frame, to simulated runs.
import { createServer } from 'node:http';
import { open, readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const port = Number(opt('--port', process.env.PORT ?? '8000'));
const root = resolve(opt('--root', 'www'));
const isolation = !args.includes('--no-isolation');

// The headers come from the folder's `_headers` file (the format Netlify and Cloudflare Pages read), so what
// the tests see is what a deployment sends. Only its `/*` block is used.
const ISOLATION_HEADERS = [
  'cross-origin-opener-policy', 'cross-origin-embedder-policy', 'cross-origin-resource-policy', 'document-isolation-policy',
];
const siteHeaders = await readFile(join(root, '_headers'), 'utf8').then(
  (text) => {
    const out = {};
    let inBlock = false;
    for (const line of text.split('\n')) {
      if (/^\S/.test(line)) inBlock = line.trim() === '/*';
      const m = /^\s+([\w-]+):\s*(.*)$/.exec(line);
      if (inBlock && m && (isolation || !ISOLATION_HEADERS.includes(m[1].toLowerCase()))) out[m[1]] = m[2].trim();
    }
    return out;
  },
  () => {
    console.error(`serve: ${join(root, '_headers')} is missing: the page would not be cross-origin isolated`);
    process.exit(2);
  },
);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve: --port must be a whole number from 0 to 65535, got "${opt('--port')}"`);
  process.exit(2);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.bin': 'application/octet-stream',
};

const server = createServer(async (req, res) => {
  const headers = { ...siteHeaders, 'Cache-Control': 'no-cache' };
  try {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) throw Object.assign(new Error(), { code: 'ENOENT' });
    let info = await stat(file);
    if (info.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file);
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    // Byte ranges, so a real download can be fetched one MB at a time (as static hosts allow too).
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(range[2] ? Number(range[2]) : info.size - 1, info.size - 1);
      if (start > end) {
        res.writeHead(416, { ...headers, 'Content-Range': `bytes */${info.size}` });
        res.end();
        return;
      }
      const body = Buffer.alloc(end - start + 1);
      const fh = await open(file);
      try {
        await fh.read(body, 0, body.length, start);
      } finally {
        await fh.close();
      }
      res.writeHead(206, {
        ...headers,
        'Content-Type': type,
        'Accept-Ranges': 'bytes',
        'Content-Range': `bytes ${start}-${end}/${info.size}`,
        'Content-Length': body.length,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const body = await readFile(file);
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Accept-Ranges': 'bytes' });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (e) {
    const missing = e.code === 'ENOENT' || e.code === 'EISDIR' || e instanceof URIError;
    res.writeHead(missing ? 404 : 500, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(missing ? 'not found\n' : 'server error\n');
  }
});

server.on('error', (e) => {
  if (e.code === 'EADDRINUSE') {
    console.error(`serve: port ${port} on 127.0.0.1 is already in use; choose another with --port N (0 picks a free one)`);
  } else if (e.code === 'EACCES') {
    console.error(`serve: not allowed to listen on port ${port}; choose a port above 1023 with --port N`);
  } else {
    console.error(`serve: ${e.message}`);
  }
  process.exit(1);
});

server.listen(port, '127.0.0.1', () => {
  console.log(`ThreadLab is served at http://127.0.0.1:${server.address().port}/  (Ctrl-C stops it)`);
});
