// @ts-check
// Cross-origin isolation for hosts that can't send the headers: installs `coi-sw.js`, which adds them, and
// reloads once so the page comes back isolated. Where that can't work it does nothing and the page runs
// simulated (see app.js): inside an iframe (the host page decides the isolation of its frames), on an
// insecure origin (no service workers), or when a reload already happened and isolation still did not
// come (the guard in sessionStorage keeps it from looping).

const GUARD = 'threadlab:coi-reloaded';

/** Resolves when the page may start; never resolves when it is about to reload. */
export async function isolate() {
  if (self.crossOriginIsolated) {
    sessionStorage.removeItem(GUARD);
    return;
  }
  if (window.parent !== window || !window.isSecureContext || !('serviceWorker' in navigator)) return;
  if (sessionStorage.getItem(GUARD)) return;
  try {
    await navigator.serviceWorker.register(new URL('./coi-sw.js', import.meta.url));
    await navigator.serviceWorker.ready;
  } catch {
    return; // blocked (private mode, a policy): the page runs simulated and says so
  }
  sessionStorage.setItem(GUARD, '1');
  location.reload();
  await new Promise(() => {});
}
