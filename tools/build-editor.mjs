// Bundles the editor's CodeMirror 6 (the parts tools/editor-entry.mjs names) into one minified ES module,
// www/vendor/codemirror.js, and prints its size. This is the project's only bundled code: CodeMirror ships as
// a dozen npm packages of bare-specifier modules that a browser can't load as they are; everything else in
// www/ stays plain modules, loaded as written.
// Usage: node tools/build-editor.mjs   (prints one line: the bundle's raw and gzipped size)
import { build } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'www/vendor/codemirror.js');

// CodeMirror styles itself from JavaScript through style-mod, which, in a document, writes a <style> element:
// the page's CSP (`style-src 'self'`, no 'unsafe-inline') blocks that, and the editor comes up unstyled. The
// upstream answer is a nonce (`EditorView.cspNonce`, https://github.com/codemirror/dev/issues/395), which a
// static page can't mint per response. In a shadow root style-mod already uses a constructed stylesheet
// (`new CSSStyleSheet` + `adoptedStyleSheets`), which CSP doesn't govern (only style elements, style
// attributes and fetched sheets); documents have `adoptedStyleSheets` too (Chrome 73, Firefox 101, Safari
// 16.4, all older than the wasm threads the page needs), so the bundle takes that path for the document as
// well. The build stops if style-mod's test changes, rather than bundling an editor that the CSP unstyles.
const STYLE_MOD_TEST = '!root.head && root.adoptedStyleSheets';
/** @type {import('esbuild').Plugin} */
const adoptedStyleSheets = {
  name: 'style-mod-adopted-style-sheets',
  setup(b) {
    b.onLoad({ filter: /[\\/]style-mod[\\/].*\.js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (!source.includes(STYLE_MOD_TEST)) {
        throw new Error(`${path} no longer tests "${STYLE_MOD_TEST}": see tools/build-editor.mjs on CSP before updating style-mod`);
      }
      return { contents: source.replace(STYLE_MOD_TEST, 'root.adoptedStyleSheets'), loader: 'js' };
    });
  },
};

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
  plugins: [adoptedStyleSheets],
});

// The bundle's types are its entry's, so `// @ts-check` in www/editor.js checks calls into it against
// CodeMirror's own declarations (from node_modules) rather than reading the minified code.
await writeFile(out.replace(/\.js$/, '.d.ts'), "export * from '../../tools/editor-entry.mjs';\n");

const bytes = await readFile(out);
const gz = gzipSync(bytes, { level: 9 }).length;
console.log(`www/vendor/codemirror.js: ${(bytes.length / 1024).toFixed(0)} KiB raw, ${(gz / 1024).toFixed(0)} KiB gzipped`);
