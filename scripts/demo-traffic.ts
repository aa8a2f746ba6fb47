// Synthetic verification traffic for the demo organization (scripts/seed-demo.ts): raw UsageEvent rows
// shaped like real clients (business-hours peaks, the key's own IPs and user agent, a trickle of denials,
// clients that keep calling after a key is revoked or expires). Rollups are aggregated from these exact
// events with rollupsFromEvents, so the charts and the raw events always agree.
import type { UsageOutcome } from "../lib/usage/outcomes";
import type { UsageEventInput } from "../lib/usage/event";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export type Rand = () => number;

/** mulberry32: deterministic, so a seed gives the same demo every time. */
export function seededRandom(seed: number): Rand {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TrafficProfile {
  /** Allowed requests on an average day while the key works. */
  perDay: number;
  ips: string[];
  userAgent: string;
  /** [action, resource] pairs the key's scopes allow. */
  requests: [string, string][];
  /** Occasional denials while the key works, per day. */
  denials?: Partial<Record<UsageOutcome, number>>;
  /** A burst of IP_NOT_ALLOWED from foreign addresses in the last 24 hours (a leaked key being probed). */
  probedLast24h?: number;
  /** Only traffic on these days ago (e.g. a key last used long ago). */
  onlyDaysAgo?: number[];
}

/** Demo traffic is shaped exactly like what the recorder buffers. */
export type DemoEvent = UsageEventInput;

const FOREIGN_IPS = ["185.220.101.4", "45.155.205.233", "103.152.118.7", "2a0d:5600:24:1c::8"];
const FORBIDDEN_REQUESTS: [string, string][] = [
  ["admin", "billing/invoices"],
  ["write", "users/root"],
  ["admin", "org/settings"],
];

function pick<T>(rand: Rand, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

// Most traffic in working hours (UTC), some around the clock.
function timeInDay(rand: Rand, dayStart: number): number {
  const hour = rand() < 0.7 ? 7 + rand() * 11 : rand() * 24;
  return dayStart + Math.floor(hour * HOUR_MS);
}

function count(rand: Rand, mean: number): number {
  const value = mean * (0.5 + rand());
  return Math.floor(value) + (rand() < value % 1 ? 1 : 0);
}

/**
 * Events for one key between `from` and `now`: allowed traffic until the key stops working (`stopsAt`),
 * then REVOKED / EXPIRED denials from clients that were not told, tapering off over a few days.
 */
export function keyTraffic(
  rand: Rand,
  key: { orgId: string; keyId: string; createdAt: Date; stopsAt: Date | null; stopCode: "REVOKED" | "EXPIRED" | null },
  profile: TrafficProfile,
  window: { from: Date; now: Date },
): DemoEvent[] {
  const events: DemoEvent[] = [];
  const base = { orgId: key.orgId, keyId: key.keyId, userAgent: profile.userAgent };
  const now = window.now.getTime();
  const start = Math.max(key.createdAt.getTime(), window.from.getTime());
  const push = (at: number, outcome: UsageOutcome, request: [string, string] | null, ip: string) => {
    if (at < key.createdAt.getTime() || at > now) return;
    events.push({ ...base, at: new Date(at), outcome, action: request?.[0] ?? null, resource: request?.[1] ?? null, ip });
  };
  const days = profile.onlyDaysAgo ?? Array.from({ length: Math.ceil((now - start) / DAY_MS) + 1 }, (_, i) => i);
  for (const daysAgo of days) {
    const dayStart = Math.floor((now - daysAgo * DAY_MS) / DAY_MS) * DAY_MS;
    const stopped = key.stopsAt && key.stopsAt.getTime() <= dayStart;
    if (!stopped) {
      for (let i = count(rand, profile.perDay); i > 0; i--) {
        const at = timeInDay(rand, dayStart);
        const working = !key.stopsAt || at < key.stopsAt.getTime();
        push(at, working ? "OK" : key.stopCode!, pick(rand, profile.requests), pick(rand, profile.ips));
      }
      for (const [code, perDay] of Object.entries(profile.denials ?? {})) {
        for (let i = count(rand, perDay); i > 0; i--) {
          const outcome = code as UsageOutcome;
          const request =
            outcome === "INSUFFICIENT_SCOPE"
              ? pick(rand, FORBIDDEN_REQUESTS)
              : outcome === "MALFORMED"
                ? null
                : pick(rand, profile.requests);
          push(
            timeInDay(rand, dayStart),
            outcome,
            request,
            outcome === "IP_NOT_ALLOWED" ? pick(rand, FOREIGN_IPS) : pick(rand, profile.ips),
          );
        }
      }
    } else if (key.stopCode) {
      const daysSinceStop = (dayStart - key.stopsAt!.getTime()) / DAY_MS;
      for (let i = count(rand, profile.perDay * 0.4 * Math.max(0, 1 - daysSinceStop / 4)); i > 0; i--) {
        push(timeInDay(rand, dayStart), key.stopCode, pick(rand, profile.requests), pick(rand, profile.ips));
      }
    }
  }
  for (let i = 0; i < (profile.probedLast24h ?? 0); i++) {
    push(now - Math.floor(rand() * 23 * HOUR_MS), "IP_NOT_ALLOWED", pick(rand, profile.requests), pick(rand, FOREIGN_IPS));
  }
  return events.sort((a, b) => a.at.getTime() - b.at.getTime());
}
