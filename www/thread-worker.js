// @ts-check
// An elastic thread: a Web Worker that instantiates the engine's wasm on the shared memory and then serves
// jobs forever (`thread_worker_main` never returns). The engine worker starts these before a run that
// needs them; see src/engine/threads.rs.
self.addEventListener('message', async ({ data }) => {
  if (!data || data.type !== 'threadlab:thread-init') return;
  const pkg = await import(data.mainJS);
  await pkg.default({ module_or_path: data.module, memory: data.memory });
  postMessage({ type: 'threadlab:thread-ready' });
  pkg.thread_worker_main();
});
