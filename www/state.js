// @ts-check
// The page's state in the URL fragment, so a link (or an iframe's src) opens an example with chosen
// parameters: `#example=orders&mode=asyncio&timeScale=0.1&coffee_s=2`. The fragment never reaches a
// server. Values are checked like any other input: a bad one is refused with a message and its field
// keeps its default; nothing from the URL is ever parsed as markup.

/** The fragment as key → value. @returns {Map<string, string>} */
export function readFragment(hash = location.hash) {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  return new Map(new URLSearchParams(text));
}

/**
 * The fragment for an example, a mode, a time scale and the form's values.
 * @param {string} example @param {string} mode @param {string} timeScale @param {Record<string, string | boolean>} params
 */
export function writeFragment(example, mode, timeScale, params) {
  const q = new URLSearchParams({ example, mode, timeScale });
  for (const [k, v] of Object.entries(params)) q.set(k, String(v));
  return `#${q.toString()}`;
}

/** The markup a host page pastes to embed this state. @param {string} url */
export function embedCode(url) {
  const u = new URL(url);
  u.hash = `${u.hash ? `${u.hash}&` : '#'}embed=1`;
  const src = u.href.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<iframe src="${src}" title="ThreadLab" width="100%" height="640" style="border:0" loading="lazy"></iframe>`;
}

// ---- Programs in a link: `code=`, the edited programs, compressed. ----

/** The most characters a link's `code=` value may have: links past it are refused by some hosts and mail. */
export const CODE_LIMIT = 24_000;
/** The most programs a link (or the page) holds. */
export const MAX_PROGRAMS = 8;
/** The most characters one program may have. */
export const MAX_SOURCE = 100_000;

/** @typedef {{id: string, title: string, source: string, gil: boolean, seed?: number, mode?: string}} Program */

/** base64url of bytes, without padding. @param {Uint8Array} bytes */
function base64url(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Bytes through a (de)compression stream. @param {Uint8Array} bytes @param {CompressionStream | DecompressionStream} stream */
async function through(bytes, stream) {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

/**
 * Programs as a link's `code=` value: JSON, deflated (`CompressionStream('deflate-raw')`), base64url.
 * @param {Program[]} programs @param {string} active the id of the program shown
 * @returns {Promise<string>}
 */
export async function encodePrograms(programs, active) {
  const json = JSON.stringify({ v: 1, active, programs: programs.map(({ id, title, source, gil, seed, mode }) => ({ id, title, source, gil, seed, mode })) });
  return base64url(await through(new TextEncoder().encode(json), new CompressionStream('deflate-raw')));
}

/**
 * A link's `code=` value as programs, every part checked; rejects with a message saying what is wrong.
 * @param {string} text @returns {Promise<{programs: Program[], active: string}>}
 */
export async function decodePrograms(text) {
  if (text.length > CODE_LIMIT) throw new Error(`it has ${text.length} characters; allowed: at most ${CODE_LIMIT}`);
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('it is not base64url (letters, digits, - and _)');
  let json;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    // Deflate expands at most about 1000×: a link at the limit inflates to under 20 MB, then is refused.
    const inflated = await through(bytes, new DecompressionStream('deflate-raw'));
    if (inflated.length > MAX_PROGRAMS * MAX_SOURCE) throw new Error('too long');
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(inflated));
  } catch (e) {
    throw new Error(`it could not be read (${/** @type {Error} */ (e).message}): was the link cut short?`);
  }
  const programs = json?.programs;
  if (!Array.isArray(programs) || programs.length < 1 || programs.length > MAX_PROGRAMS) {
    throw new Error(`it holds no list of 1 to ${MAX_PROGRAMS} programs`);
  }
  const seen = new Set();
  const checked = programs.map((p, i) => {
    const where = `program ${i + 1}`;
    if (typeof p?.source !== 'string' || p.source.length > MAX_SOURCE) throw new Error(`${where} has no source of at most ${MAX_SOURCE} characters`);
    const id = typeof p.id === 'string' && /^[\w.()-]{1,40}$/.test(p.id) && !seen.has(p.id) ? p.id : `program-${i + 1}`;
    seen.add(id);
    const title = typeof p.title === 'string' ? p.title.slice(0, 80) : id;
    /** @type {Program} */
    const program = { id, title, source: p.source, gil: p.gil !== false };
    // An example's mode keeps its seed (the same random draws) and its mode (its Rust translation).
    if (Number.isSafeInteger(p.seed) && p.seed >= 0) program.seed = p.seed;
    if (typeof p.mode === 'string' && /^[\w-]{1,40}$/.test(p.mode)) program.mode = p.mode;
    return program;
  });
  const active = checked.some((p) => p.id === json.active) ? json.active : checked[0].id;
  return { programs: checked, active };
}
