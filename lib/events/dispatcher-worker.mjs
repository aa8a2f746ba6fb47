// The outbox dispatcher's thread (dispatcher-thread.ts starts it). Worker threads do not inherit the main thread's
// TypeScript loader: this plain-JavaScript entry registers tsx for itself, then loads the TypeScript.
import { parentPort } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { runDispatcher } = await import("./dispatcher-entry.ts");
const dispatcher = runDispatcher();
parentPort.on("message", (message) => {
  if (message?.type !== "close") return;
  void dispatcher.stop().finally(() => parentPort.postMessage({ type: "closed" }));
});
parentPort.postMessage({ type: "ready" });
