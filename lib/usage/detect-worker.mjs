// Events detected from the usage writer's batches (key.used_after_revoke, key.new_address, key.denial_burst), on
// the writer's thread and in the batch's own transaction: the outbox rows commit with the events they come from,
// and nothing of this runs on the verify path. One pass over the batch here; then a few set-based statements,
// which each writer thread runs as `detect` yields them (sqlite-writer-worker.mjs synchronously,
// postgres-writer-worker.mjs awaiting each). Which detection already fired is decided in the database
// (KeyDetection, KeyNetwork, KeyDenialCount), so several instances report each once.
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";

const FIELDS = 8; // lib/usage/event.ts EVENT_FIELDS
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
export const BURST_WINDOW_MINUTES = 5;
export const REPEAT_EVERY_MS = HOUR_MS;
export const NETWORK_QUIET_MS = 30 * 86_400_000;
// A (key, network) pair this thread wrote is written again at most this often: a hot key costs no statement.
const NETWORK_TOUCH_EVERY_MS = HOUR_MS;
// After losing a claim to another instance (or to the hourly limit), look again this much later.
const LOST_CLAIM_BACKOFF_MS = MINUTE_MS;
// How long "this key's EXPIRED answers are its own expiry, not a superseded secret" is believed.
const NATURAL_EXPIRY_TTL_MS = 5 * MINUTE_MS;
const MAX_REMEMBERED = 100_000;

/** KEYWARD_DENIAL_BURST_THRESHOLD: denials of one key within 5 minutes that make a burst (whole number ≥ 1), else 100. */
export function denialBurstThreshold(env = process.env) {
  const n = Number(env.KEYWARD_DENIAL_BURST_THRESHOLD);
  return Number.isInteger(n) && n >= 1 ? n : 100;
}

// Bounded memory, only to skip statements: forgetting an entry costs one more look at the database, never an event.
const networksWritten = new Map(); // keyId \0 network → at (ms) last written by this thread
const quietUntil = new Map(); // kind \0 keyId → no claim is tried before this (ms)
const naturallyExpired = new Map(); // keyId → until (ms): its EXPIRED answers come from its own expiry

function remember(map, key, value) {
  if (map.size >= MAX_REMEMBERED) map.clear();
  map.set(key, value);
}

// What a batch learned is kept only once its transaction committed: a batch that rolls back is retried as new.
const learn = (learned, map, key, value) => learned.push([map, key, value]);

/** The client network of an address: a.b.c.0/24 for IPv4 (also IPv4-mapped IPv6), x:y:z::/48 for IPv6; null if none. */
export function networkOf(ip) {
  if (!ip) return null;
  let address = String(ip).split("%")[0];
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) address = mapped[1];
  const family = isIP(address);
  if (family === 4) {
    const [a, b, c] = address.split(".");
    return `${Number(a)}.${Number(b)}.${Number(c)}.0/24`;
  }
  if (family !== 6) return null;
  const [head, tail] = address.split("::");
  const headGroups = head ? head.split(":") : [];
  // Only the first three groups matter; a "::" among them stands for zeros.
  const groups = tail === undefined ? headGroups : [...headGroups, "0", "0", "0"];
  const hex = groups.slice(0, 3).map((g) => parseInt(g, 16).toString(16));
  return `${hex.join(":")}::/48`;
}

/** "evt_" + 20 base62 characters, as lib/ids.ts newId("evt"). */
function eventId() {
  const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let out = "";
  while (out.length < 20) for (const byte of randomBytes(40)) if (byte < 248 && out.length < 20) out += BASE62[byte % 62];
  return `evt_${out}`;
}

const iso = (ms) => new Date(ms).toISOString();

/** One pass over the batch: what may be news, after what this thread remembers. */
function scan(chunks) {
  let now = 0;
  const presented = new Map(); // keyId → REVOKED / EXPIRED answers
  const denials = new Map(); // keyId \0 minute → count
  const denied = new Map(); // keyId → { orgId, lastAt, ip, outcome }
  const used = new Map(); // keyId \0 network → { keyId, orgId, network, at, firstAt, ip }
  const networkByIp = new Map(); // most of a batch comes from a few addresses
  for (const events of chunks) {
    for (let i = 0; i < events.length; i += FIELDS) {
      const keyId = events[i + 1];
      if (!keyId) continue;
      const at = events[i + 2];
      const outcome = events[i + 3];
      const ip = events[i + 6];
      if (at > now) now = at;
      if (outcome === "OK") {
        let network = networkByIp.get(ip);
        if (network === undefined) networkByIp.set(ip, (network = networkOf(ip)));
        if (!network) continue;
        const id = `${keyId}\u0000${network}`;
        const seen = used.get(id);
        // The first address seen in the network is the one reported; the latest use is what is stored.
        if (!seen) used.set(id, { keyId, orgId: events[i], network, at, firstAt: at, ip });
        else if (seen.at < at) seen.at = at;
        continue;
      }
      const minute = at - (at % MINUTE_MS);
      const bucket = `${keyId}\u0000${minute}`;
      denials.set(bucket, (denials.get(bucket) ?? 0) + 1);
      const last = denied.get(keyId);
      if (!last || last.lastAt <= at) denied.set(keyId, { orgId: events[i], lastAt: at, ip, outcome });
      if (outcome === "REVOKED" || outcome === "EXPIRED") {
        const p = presented.get(keyId);
        // firstExpiredAt: an EXPIRED answer before the key's own expiry can only come from a superseded secret.
        const firstExpiredAt = outcome === "EXPIRED" ? at : Infinity;
        if (!p) {
          const userAgent = events[i + 7];
          presented.set(keyId, { keyId, outcomes: new Set([outcome]), count: 1, firstAt: at, lastAt: at, ip, userAgent, firstExpiredAt });
        } else {
          p.count += 1;
          p.outcomes.add(outcome);
          if (firstExpiredAt < p.firstExpiredAt) p.firstExpiredAt = firstExpiredAt;
          if (at < p.firstAt) p.firstAt = at;
          if (at >= p.lastAt) Object.assign(p, { lastAt: at, ip, userAgent: events[i + 7] });
        }
      }
    }
  }
  const networks = [...used.values()].filter((u) => {
    const written = networksWritten.get(`${u.keyId}\u0000${u.network}`);
    return written === undefined || u.at - written >= NETWORK_TOUCH_EVERY_MS;
  });
  return { now, presented, denials, denied, networks };
}

const quiet = (kind, keyId, now) => (quietUntil.get(`${kind}\u0000${keyId}`) ?? 0) > now;

/**
 * The detections of one batch, as a generator of statements: each `yield { op, … }` is answered with the
 * statement's result by the writer. Returns the number of outbox rows written; what it learned goes to `learned`.
 */
function* detect(chunks, learned, threshold) {
  const { now, presented, denials, denied, networks } = scan(chunks);
  const events = [];

  // key.used_after_revoke: REVOKED answers, and EXPIRED answers while the key itself has not expired (the
  // secret presented was replaced by a rotation and its grace period is over).
  let candidates = [...presented.values()].filter(
    (p) => !quiet("used_after_revoke", p.keyId, now) && (p.outcomes.has("REVOKED") || (naturallyExpired.get(p.keyId) ?? 0) <= now),
  );
  const keys = new Map();
  if (candidates.length > 0) {
    for (const key of yield { op: "keys", keyIds: candidates.map((c) => c.keyId) }) keys.set(key.id, key);
    candidates = candidates.filter((c) => {
      const key = keys.get(c.keyId);
      if (!key) return false;
      if (c.outcomes.has("REVOKED")) return true;
      const superseded = key.expiresAt === null || key.expiresAt > c.firstExpiredAt;
      if (!superseded) learn(learned, naturallyExpired, c.keyId, now + NATURAL_EXPIRY_TTL_MS);
      return superseded;
    });
    const won = yield* claim("used_after_revoke", candidates, now, learned);
    for (const c of candidates.filter((c) => won.has(c.keyId))) {
      const key = keys.get(c.keyId);
      events.push({
        orgId: key.orgId,
        type: "key.used_after_revoke",
        payload: {
          keyId: key.id,
          keyName: key.name,
          orgId: key.orgId,
          reason: c.outcomes.has("REVOKED") ? "revoked" : "superseded",
          attempts: c.count,
          firstAt: iso(c.firstAt),
          lastAt: iso(c.lastAt),
          address: c.ip,
          userAgent: c.userAgent,
        },
      });
    }
  }

  // key.denial_burst: every instance adds its denials per key and minute; the sum of the last five minutes decides.
  if (denials.size > 0) {
    const rows = [...denials].map(([id, count]) => {
      const [keyId, minute] = id.split("\u0000");
      return { keyId, minute: Number(minute), count };
    });
    rows.sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : a.minute - b.minute));
    yield { op: "addDenials", rows };
    const watch = [...denied.keys()].filter((keyId) => !quiet("denial_burst", keyId, now));
    if (watch.length > 0) {
      const since = now - (now % MINUTE_MS) - (BURST_WINDOW_MINUTES - 1) * MINUTE_MS;
      const over = yield { op: "burstCounts", keyIds: watch, since, threshold };
      const counts = new Map(over.map((r) => [r.keyId, r.count]));
      const bursting = watch.filter((keyId) => counts.has(keyId)).map((keyId) => ({ keyId }));
      const won = yield* claim("denial_burst", bursting, now, learned);
      if (won.size > 0) {
        const missing = [...won].filter((id) => !keys.has(id));
        if (missing.length > 0) for (const key of yield { op: "keys", keyIds: missing }) keys.set(key.id, key);
        for (const keyId of won) {
          const key = keys.get(keyId);
          if (!key) continue;
          const last = denied.get(keyId);
          events.push({
            orgId: key.orgId,
            type: "key.denial_burst",
            payload: {
              keyId,
              keyName: key.name,
              orgId: key.orgId,
              denials: counts.get(keyId),
              threshold,
              windowMinutes: BURST_WINDOW_MINUTES,
              since: iso(since),
              lastAt: iso(last.lastAt),
              lastOutcome: last.outcome,
              address: last.ip,
            },
          });
        }
      }
    }
  }

  // key.new_address: a network the key has not used in 30 days. The first network a key is ever used from is
  // its baseline, not news.
  if (networks.length > 0) {
    networks.sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : a.network < b.network ? -1 : 1));
    const fresh = yield { op: "touchNetworks", rows: networks, quietMs: NETWORK_QUIET_MS };
    for (const n of networks) learn(learned, networksWritten, `${n.keyId}\u0000${n.network}`, n.at);
    const inserted = fresh.filter((f) => !f.back);
    const totals = new Map();
    if (inserted.length > 0) {
      for (const r of yield { op: "networkCounts", keyIds: [...new Set(inserted.map((f) => f.keyId))] }) totals.set(r.keyId, r.count);
    }
    const insertedPerKey = new Map();
    for (const f of inserted) insertedPerKey.set(f.keyId, (insertedPerKey.get(f.keyId) ?? 0) + 1);
    const news = fresh.filter((f) => f.back || (totals.get(f.keyId) ?? 0) > insertedPerKey.get(f.keyId));
    if (news.length > 0) {
      const missing = [...new Set(news.map((f) => f.keyId))].filter((id) => !keys.has(id));
      if (missing.length > 0) for (const key of yield { op: "keys", keyIds: missing }) keys.set(key.id, key);
      const byId = new Map(networks.map((n) => [`${n.keyId}\u0000${n.network}`, n]));
      for (const f of news) {
        const key = keys.get(f.keyId);
        const use = byId.get(`${f.keyId}\u0000${f.network}`);
        if (!key || !use) continue;
        events.push({
          orgId: key.orgId,
          type: "key.new_address",
          payload: { keyId: key.id, keyName: key.name, orgId: key.orgId, network: f.network, address: use.ip, at: iso(use.firstAt) },
        });
      }
    }
  }

  if (events.length > 0)
    yield { op: "outbox", rows: events.map((e) => ({ id: eventId(), ...e, payload: JSON.stringify(e.payload), at: now })) };
  return events.length;
}

/** Claims `kind` for each candidate key, at most once per REPEAT_EVERY_MS across instances: the set of keys won. */
function* claim(kind, candidates, now, learned) {
  if (candidates.length === 0) return new Set();
  const keyIds = [...new Set(candidates.map((c) => c.keyId))].sort();
  const won = new Set(yield { op: "claim", kind, keyIds, at: now, everyMs: REPEAT_EVERY_MS });
  for (const keyId of keyIds) {
    learn(learned, quietUntil, `${kind}\u0000${keyId}`, won.has(keyId) ? now + REPEAT_EVERY_MS : now + LOST_CLAIM_BACKOFF_MS);
  }
  return won;
}

/**
 * A batch's detections, with an executor that answers each statement synchronously (better-sqlite3, inside its
 * transaction). Call `remember()` once the transaction committed.
 */
export function detectSync(chunks, execute, threshold = denialBurstThreshold()) {
  const learned = [];
  const steps = detect(chunks, learned, threshold);
  let step = steps.next();
  while (!step.done) step = steps.next(execute(step.value));
  return { events: step.value, remember: () => keep(learned) };
}

/** The same with an asynchronous executor (pg or Prisma, inside the batch's transaction). */
export async function detectAsync(chunks, execute, threshold = denialBurstThreshold()) {
  const learned = [];
  const steps = detect(chunks, learned, threshold);
  let step = steps.next();
  while (!step.done) step = steps.next(await execute(step.value));
  return { events: step.value, remember: () => keep(learned) };
}

function keep(learned) {
  for (const [map, key, value] of learned) remember(map, key, value);
}
