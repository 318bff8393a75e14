// @ts-check
// Cross-origin isolation for hosts that can't send the headers: installs `coi-sw.js`, which adds them, and
// reloads once so the page comes back isolated. Where that can't work it does nothing and the page runs
// simulated (see app.js): inside an iframe (without Document-Isolation-Policy the host page decides the
// isolation of its frames; with it the page's own headers already made it isolated), on an insecure
// origin (no service workers), where session storage is refused, or when a reload already happened and
// isolation still did not come (the guard in sessionStorage keeps it from looping).

const GUARD = 'threadlab:coi-reloaded';

/**
 * Session storage, or null where the page may not use it: a document that isolates itself by
 * Document-Isolation-Policy inside another site's frame is refused it ("Access is denied for this
 * document"), as third-party frames can be. The page never needs it to run.
 */
function session() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** Resolves when the page may start; never resolves when it is about to reload. */
export async function isolate() {
  const storage = session();
  if (self.crossOriginIsolated) {
    try {
      storage?.removeItem(GUARD);
    } catch {
      // refused: nothing to clear
    }
    return;
  }
  if (window.parent !== window || !window.isSecureContext || !('serviceWorker' in navigator)) return;
  // Without storage there is no guard against reloading forever: don't reload at all.
  if (!storage) return;
  try {
    if (storage.getItem(GUARD)) return;
  } catch {
    return;
  }
  try {
    await navigator.serviceWorker.register(new URL('./coi-sw.js', import.meta.url));
    await navigator.serviceWorker.ready;
  } catch {
    return; // blocked (private mode, a policy): the page runs simulated and says so
  }
  try {
    storage.setItem(GUARD, '1');
  } catch {
    return; // no guard, no reload
  }
  location.reload();
  await new Promise(() => {});
}
