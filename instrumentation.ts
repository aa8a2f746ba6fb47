// Next.js calls register() once when its server starts: in Keyward's server that is the console's thread
// (server/next-worker.mjs), where the background jobs run beside the console (lib/events/dispatcher-entry.ts):
// the outbox dispatcher, the expiry scan and usage pruning. Not on the main thread, so their queries, JSON and HMAC
// work, their waits on slow receivers and (SQLite) on other connections' locks never take time from verifications;
// and not on a thread of their own, which cost a second database client and TypeScript loader (~50–90 MB of
// resident memory, issue 16's budget).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const state = globalThis as { keywardStopBackgroundJobs?: () => Promise<void> };
  // `next dev` may register again after a reload: one set of jobs per thread.
  if (state.keywardStopBackgroundJobs) return;
  const { runBackgroundJobs } = await import("./lib/events/dispatcher-entry");
  // KEYWARD_DISPATCH=0: this instance sends nothing (another instance does, or a test needs the tables still).
  const jobs = runBackgroundJobs({ dispatch: process.env.KEYWARD_DISPATCH !== "0" });
  state.keywardStopBackgroundJobs = () => jobs.stop();
}
