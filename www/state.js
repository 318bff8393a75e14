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
