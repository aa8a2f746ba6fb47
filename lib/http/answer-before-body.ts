import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

// Closing a socket while the client's bytes still arrive resets the connection, and a reset can destroy the
// answer before the client has read it. So the close comes this long after the answer, the body unread.
const CLOSE_AFTER_MS = 250;

/** Answers a request before (the rest of) its body is read — 413, 415 — and closes; nothing more is read. */
export function answerBeforeBody(req: IncomingMessage, res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string) {
  req.removeAllListeners("data");
  req.unpipe();
  req.pause();
  if (res.headersSent) return void res.destroy();
  // Node ends a "Connection: close" answer with socket.destroySoon(): the FIN, then at once the close.
  const socket = req.socket;
  socket.destroySoon = () => {
    socket.end();
    setTimeout(() => socket.destroy(), CLOSE_AFTER_MS).unref();
  };
  res.writeHead(status, { ...headers, connection: "close", "content-length": Buffer.byteLength(body) });
  res.end(body);
  res.once("finish", () => setTimeout(() => socket.destroy(), CLOSE_AFTER_MS * 2).unref());
}
