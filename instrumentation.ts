// Next.js calls register() once when its server starts: in Keyward's server that is the console's thread
// (server/next-worker.mjs), where the outbox dispatcher runs beside the console. Not on the main thread, so its
// queries, JSON and HMAC work and its waits on slow receivers never take time from verifications; and not on a
// thread of its own, which cost a second copy of the database client and the TypeScript loader (~50–90 MB of
// resident memory, issue 16's budget).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  // KEYWARD_DISPATCH=0: this instance sends nothing (another instance does, or a test needs the tables still).
  if (process.env.KEYWARD_DISPATCH === "0") return;
  const state = globalThis as { keywardStopDispatcher?: () => Promise<void> };
  // `next dev` may register again after a reload: one dispatcher per thread.
  if (state.keywardStopDispatcher) return;
  const { runDispatcher } = await import("./lib/events/dispatcher-entry");
  const dispatcher = runDispatcher();
  state.keywardStopDispatcher = () => dispatcher.stop();
}
