import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Db } from "../db/client";
import { USAGE_OUTCOMES, type UsageOutcome } from "../usage/outcomes";
import { schedulePruning } from "../usage/prune";
import { scheduleDetections } from "../events/detect-expiry";
import { UsageRecorder, type UsageRecorderOptions, type UsageRecorderStats } from "../usage/recorder";
import { createVerifyHandler, isVerifyRequest } from "./handler";
import { KeyCache, type KeyCacheOptions } from "./key-cache";
import { keyStoreFor } from "./key-store";
import { databaseUrl } from "../db-url";
import { HoneytokenWatch } from "./honeytokens";
import { Verifier } from "./verifier";
import { RateLimiter, type RateLimiterOptions } from "../ratelimits/limiter";
import { threadCounterStore } from "../ratelimits/thread-store";

export interface VerifyServiceOptions {
  db: Db;
  /** The URL `db` was made from (default DATABASE_URL): on SQLite the hot path reads and writes through it directly. */
  url?: string;
  cache?: KeyCacheOptions;
  usage?: UsageRecorderOptions;
  /** Delete raw usage events past KEYWARD_USAGE_RETENTION_DAYS in the background (default true). */
  prune?: boolean;
  /** Look for keys reaching an expiry threshold every KEYWARD_EXPIRY_SCAN_MS (default true). */
  detect?: boolean;
  clientIp?: (req: IncomingMessage) => string;
  ratelimits?: RateLimiterOptions;
  /**
   * The clock verifications are decided at, rate-limit windows and quota periods counted in and usage events
   * stamped with (default: the current time). Tests pass one they control, so that an assertion never depends
   * on two requests falling in the same window of the real clock.
   */
  clock?: () => Date;
}

export interface VerifyStats extends UsageRecorderStats {
  answered: number;
}

export interface VerifyService {
  handles(req: IncomingMessage): boolean;
  /** Answered verifications by outcome, counted as they are answered (read by /metrics). */
  outcomes: Readonly<Record<UsageOutcome, number>>;
  handle(req: IncomingMessage, res: ServerResponse): void;
  cache: KeyCache;
  recorder: UsageRecorder;
  limiter: RateLimiter;
  stats(): VerifyStats;
  /** Stops polling and pruning and writes every buffered usage event; call after the servers stop accepting. */
  close(): Promise<VerifyStats>;
}

export async function createVerifyService(options: VerifyServiceOptions): Promise<VerifyService> {
  const url = options.url ?? databaseUrl();
  // KEYWARD_KEYS_POLL_MS: how often other processes' key changes are looked for (default 250 ms).
  const pollMs = Number(process.env.KEYWARD_KEYS_POLL_MS) || undefined;
  const cache = new KeyCache(keyStoreFor(options.db, url), { pollMs, ...options.cache });
  await cache.start();
  const canaries = new HoneytokenWatch(options.db, cache);
  await canaries.start();
  // KEYWARD_USAGE_BACKLOG_PAUSE: pause after each batch of a backlog, in multiples of its write time (default 1; 0 = flat out).
  const pause = process.env.KEYWARD_USAGE_BACKLOG_PAUSE;
  const backlogPause = pause !== undefined && pause !== "" && Number(pause) >= 0 ? Number(pause) : undefined;
  const recorder = new UsageRecorder(options.db, { url, backlogPause, ...options.usage });
  // Several instances share a PostgreSQL database; SQLite is served by one, whose counts are exact.
  const clock = options.clock;
  const limiter = new RateLimiter(threadCounterStore(url), {
    shared: !url.startsWith("file:"),
    ...(clock ? { clock: () => clock().getTime() } : {}),
    ...options.ratelimits,
  });
  limiter.start();
  const stopPruning = options.prune === false ? () => {} : schedulePruning(options.db);
  const stopDetections = options.detect === false ? () => {} : scheduleDetections(options.db);
  let answered = 0;
  const outcomes = Object.fromEntries(USAGE_OUTCOMES.map((o) => [o, 0])) as Record<UsageOutcome, number>;
  // Verifications waiting on the database when the server stops are still answered, and their events written.
  const inFlight = new Set<Promise<void>>();
  const handle = createVerifyHandler({
    verifier: new Verifier(cache, limiter),
    recorder,
    clientIp: options.clientIp,
    clock,
    onAnswered: (result) => {
      answered += 1;
      outcomes[result.outcome] += 1;
    },
    onPending: (request) => {
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    },
    onNotFound: (seen) => {
      const recorded = canaries.check(seen);
      if (!recorded) return;
      inFlight.add(recorded);
      void recorded.finally(() => inFlight.delete(recorded));
    },
  });
  const stats = () => ({ ...recorder.getStats(), answered });
  return {
    handles: isVerifyRequest,
    handle,
    outcomes,
    cache,
    recorder,
    limiter,
    stats,
    async close() {
      await Promise.allSettled([...inFlight]);
      await limiter.stop();
      cache.stop();
      canaries.stop();
      stopPruning();
      stopDetections();
      await recorder.close();
      return stats();
    },
  };
}

export interface VerifyServer {
  port: number;
  /** One base URL per bound host, e.g. http://127.0.0.1:4312 and http://[::1]:4312 */
  urls: string[];
  service: VerifyService;
  /** Stops accepting, closes connections, then flushes usage. */
  close(): Promise<VerifyStats>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Only the verification endpoint on node:http (everything else 404): what tests and the benchmark start
 * without a Next build. server.ts serves the same handler in front of Next.
 */
export async function startVerifyServer(options: VerifyServiceOptions & { port?: number; hosts?: string[] }): Promise<VerifyServer> {
  const service = await createVerifyService(options);
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (service.handles(req)) return service.handle(req, res);
    res.writeHead(404, { "content-type": "application/json; charset=utf-8", "x-content-type-options": "nosniff" });
    res.end('{"error":{"code":"NOT_FOUND","message":"Not found"}}');
  };
  const hosts = options.hosts ?? ["127.0.0.1"];
  const servers: Server[] = [];
  let port = options.port ?? 0;
  // The first host picks the port (0 = any free one); the others share it.
  for (const host of hosts) {
    const server = createServer(onRequest);
    port = await listen(server, port, host);
    servers.push(server);
  }
  return {
    port,
    urls: hosts.map((h) => `http://${h.includes(":") ? `[${h}]` : h}:${port}`),
    service,
    async close() {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
      return service.close();
    },
  };
}
