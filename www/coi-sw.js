// A service worker for static hosts that can't set response headers (GitHub Pages, most file hosts): it
// adds the headers that make the page cross-origin isolated to every same-origin response, so real threads
// work there too. `coi.js` registers it only when the page is not isolated already; a host that sends the
// headers itself (see README.md, "Deploying") never installs it.
//
// Cross-origin requests (a real download from an address the user gives) pass through untouched.
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Isolates the document by itself, whatever embeds it (Chromium 137 and later): see _headers.
  'Document-Isolation-Policy': 'isolate-and-require-corp',
};

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (new URL(request.url).origin !== self.location.origin) return;
  // A request only the cache may answer can't be re-fetched here (a Chromium quirk of devtools).
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(
    fetch(request).then((response) => {
      if (response.status === 0) return response; // opaque: nothing to add headers to
      const headers = new Headers(response.headers);
      for (const [name, value] of Object.entries(ISOLATION)) headers.set(name, value);
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }),
  );
});
