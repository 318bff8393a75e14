// Bundles the editor's CodeMirror 6 (the parts tools/editor-entry.mjs names) into one minified ES module,
// www/vendor/codemirror.js, and prints its size. This is the project's only bundled code: CodeMirror ships as
// a dozen npm packages of bare-specifier modules that a browser can't load as they are; everything else in
// www/ stays plain modules, loaded as written.
// Usage: node tools/build-editor.mjs   (prints one line: the bundle's raw and gzipped size)
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'www/vendor/codemirror.js');

await build({
  entryPoints: [join(root, 'tools/editor-entry.mjs')],
  outfile: out,
  bundle: true,
  format: 'esm',
  minify: true,
  // The browsers that run the page's threads (SharedArrayBuffer, wasm threads) all read ES2020.
  target: 'es2020',
  // CodeMirror and Lezer are MIT-licensed: the notice travels with the copy.
  banner: { js: '/* CodeMirror 6 and Lezer, (c) Marijn Haverbeke and others, MIT licence: https://codemirror.net */' },
  logLevel: 'warning',
});

const bytes = await readFile(out);
const gz = gzipSync(bytes, { level: 9 }).length;
console.log(`www/vendor/codemirror.js: ${(bytes.length / 1024).toFixed(0)} KiB raw, ${(gz / 1024).toFixed(0)} KiB gzipped`);
