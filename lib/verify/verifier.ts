import { hash, randomBytes } from "node:crypto";
import { hashSecret, keyStatus, parseSecret, type RequestAction } from "../keys";
import type { UsageOutcome } from "../usage/outcomes";
import type { LimitDecision } from "../ratelimits/counter";
import type { RateLimiter } from "../ratelimits/limiter";
import type { CachedSecret } from "./cached-secret";
import type { CachedOrg, KeyCache } from "./key-cache";

export interface VerifyInput {
  key: string;
  action?: RequestAction;
  resource?: string;
  /** The client address the key's allowed CIDRs are checked against. */
  ip: string;
  /** What this request spends of the key's quota and rate limits (default 1; 0 checks without spending). */
  cost?: number;
}

export interface VerifyResult {
  outcome: UsageOutcome;
  /** "" when no key matched. */
  orgId: string;
  keyId: string;
  /** The JSON 200 body; never contains the secret. */
  body: string;
}

const NOT_FOUND: VerifyResult = { outcome: "NOT_FOUND", orgId: "", keyId: "", body: '{"valid":false,"code":"NOT_FOUND"}' };
const MALFORMED: VerifyResult = { outcome: "MALFORMED", orgId: "", keyId: "", body: '{"valid":false,"code":"MALFORMED"}' };

function denied(entry: CachedSecret, outcome: Exclude<UsageOutcome, "OK">): VerifyResult {
  return { outcome, orgId: entry.orgId, keyId: entry.keyId, body: `{"valid":false,"code":"${outcome}","keyId":"${entry.keyId}"}` };
}

const MAX_REMEMBERED_HASHES = 50_000;

function remember(org: CachedOrg, digest: string, stored: string) {
  if (org.hashes.get(digest) === stored) return;
  if (org.hashes.size >= MAX_REMEMBERED_HASHES) org.hashes.clear();
  org.hashes.set(digest, stored);
}

/**
 * Every rule that depends on the clock is applied here, per request — never when the cache was filled. The
 * order is the documented one: format, found (before this), revoked, expired, disabled, IP, scope; quota and
 * rate limits follow in Verifier, only for a request that passed all of these.
 */
export function decide(entry: CachedSecret, input: VerifyInput, now: Date): VerifyResult {
  const status = keyStatus(entry, now);
  if (status === "revoked") return denied(entry, "REVOKED");
  if (status === "expired") return denied(entry, "EXPIRED");
  // A rotated-out secret works until the instant its grace period ends, not a moment longer.
  if (entry.endsAt !== null && now.getTime() >= entry.endsAt) return denied(entry, "EXPIRED");
  if (entry.disabled) return denied(entry, "DISABLED");
  if (!entry.ipAllowed(input.ip)) return denied(entry, "IP_NOT_ALLOWED");
  if (input.action !== undefined && !entry.allows(input.action, input.resource)) return denied(entry, "INSUFFICIENT_SCOPE");
  return { outcome: "OK", orgId: entry.orgId, keyId: entry.keyId, body: entry.validBody };
}

/** `"ratelimits":[…],"quota":…}` as JSON.stringify writes them, built as one string (this runs on every limited request). */
function limitsJson({ ratelimits, quota }: LimitDecision): string {
  let out = '"ratelimits":[';
  for (let i = 0; i < ratelimits.length; i++) {
    const r = ratelimits[i];
    out += `${i === 0 ? "" : ","}{"name":${JSON.stringify(r.name)},"limit":${r.limit},"remaining":${r.remaining},"reset":${r.reset}}`;
  }
  return `${out}],"quota":${quota === null ? "null" : `{"remaining":${quota.remaining},"refillAt":${quota.refillAt}}`}}`;
}

function limitedAnswer(entry: CachedSecret, decision: LimitDecision): VerifyResult {
  const limits = limitsJson(decision);
  if (decision.outcome === "OK")
    return { outcome: "OK", orgId: entry.orgId, keyId: entry.keyId, body: `${entry.validBody.slice(0, -1)},${limits}` };
  return {
    outcome: decision.outcome,
    orgId: entry.orgId,
    keyId: entry.keyId,
    body: `{"valid":false,"code":"${decision.outcome}","keyId":"${entry.keyId}",${limits}`,
  };
}

/**
 * Secret → verdict. On a cache hit it is synchronous: format check, a SHA-256, then per organization using
 * the secret's prefix its HMAC (skipped for a secret that already matched a key there) and one Map lookup.
 * Unknown secrets take the same steps and end at the set of stored hashes, so whether a prefix exists does
 * not change the work done before a NOT_FOUND; only a key not yet cached (or a moment after a change) costs
 * one query by hash. A secret that is valid answers a little faster, which tells its holder nothing the
 * answer does not.
 */
export class Verifier {
  // Hashing with a throwaway secret when no organization uses the prefix keeps the work the same.
  private readonly decoy = randomBytes(32);

  constructor(
    private readonly cache: KeyCache,
    private readonly limiter: RateLimiter | null = null,
  ) {}

  /** Quota, then rate limits: the last checks, after every other one passed, so a denied request spends nothing. */
  private decide(entry: CachedSecret, input: VerifyInput, now: Date): VerifyResult | Promise<VerifyResult> {
    const result = decide(entry, input, now);
    if (result.outcome !== "OK" || entry.policy === null || this.limiter === null) return result;
    const decision = this.limiter.admit(entry.keyId, entry.policy, input.cost ?? 1, now);
    return decision instanceof Promise ? decision.then((d) => limitedAnswer(entry, d)) : limitedAnswer(entry, decision);
  }

  verify(input: VerifyInput, now = new Date()): VerifyResult | Promise<VerifyResult> {
    const parsed = parseSecret(input.key);
    if (!parsed) return MALFORMED;
    const orgs = this.cache.orgsFor(parsed.prefix);
    if (orgs === null) return this.cache.ready().then(() => this.verify(input, now));
    const digest = hash("sha256", input.key, "base64");
    if (orgs.length === 0) {
      this.cache.lookups.hits += 1;
      hashSecret(this.decoy, digest);
      this.cache.mightExist("");
      return NOT_FOUND;
    }
    let misses: { org: CachedOrg; hash: string }[] | null = null;
    for (const org of orgs) {
      const stored = org.hashes.get(digest) ?? hashSecret(org.signingSecret, input.key);
      const entry = org.entries.get(stored);
      if (entry) {
        this.cache.lookups.hits += 1;
        remember(org, digest, stored);
        return this.decide(entry, input, now);
      }
      if (this.cache.mightExist(stored)) (misses ??= []).push({ org, hash: stored });
    }
    if (!misses) {
      this.cache.lookups.hits += 1;
      return NOT_FOUND;
    }
    return this.cache.fetch(misses).then((entry) => {
      if (!entry) return NOT_FOUND;
      const org = misses.find((m) => m.hash === entry.hash)?.org;
      if (org) remember(org, digest, entry.hash);
      return this.decide(entry, input, now);
    });
  }
}
