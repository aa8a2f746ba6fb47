import type { ServerResponse } from "node:http";
import { Histogram } from "prom-client";

export const ROUTE_CLASSES = ["verify", "console", "api", "static", "health"] as const;
export type RouteClass = (typeof ROUTE_CLASSES)[number];
/** A status by its hundred, or "aborted" when the connection closed before the answer was complete. */
export const STATUS_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx", "aborted"] as const;

const STATIC_PREFIXES = ["/_next/static/", "/_next/image", "/favicon.", "/apple-touch-icon", "/icon-", "/site.webmanifest"];
const HEALTH_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/** Which kind of route a request is for, from its path alone (verify is recognised by its own handler). */
export function routeClassOf(url: string | undefined): Exclude<RouteClass, "verify"> {
  const path = (url ?? "/").split("?", 1)[0];
  if (HEALTH_PATHS.has(path)) return "health";
  if (path.startsWith("/api/")) return "api";
  if (STATIC_PREFIXES.some((p) => path.startsWith(p))) return "static";
  return "console";
}

function statusClass(res: ServerResponse): number {
  if (!res.writableFinished) return 5;
  const hundred = Math.floor(res.statusCode / 100) - 1;
  return hundred >= 0 && hundred < 5 ? hundred : 4;
}

/**
 * Requests by route class and status class, and verify's latency. Plain numbers per request (no labels to
 * hash, nothing allocated but the one close listener); /metrics reads them when scraped.
 */
export class HttpStats {
  /** counts[class][status class] */
  readonly counts: Record<RouteClass, number[]> = Object.fromEntries(ROUTE_CLASSES.map((c) => [c, STATUS_CLASSES.map(() => 0)])) as Record<
    RouteClass,
    number[]
  >;

  readonly verifyDuration = new Histogram({
    name: "keyward_verify_duration_seconds",
    help: "Time from a verify request's arrival to the end of its answer",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [],
  });

  /** Counts the request when its answer is complete (or cut); `done` runs then too, e.g. for an access log. */
  track(res: ServerResponse, routeClass: RouteClass, done?: (ms: number) => void): void {
    const started = performance.now();
    res.once("close", () => {
      const ms = performance.now() - started;
      this.counts[routeClass][statusClass(res)] += 1;
      if (routeClass === "verify") this.verifyDuration.observe(ms / 1000);
      done?.(ms);
    });
  }
}
