import { ALLOW_ALL_CIDRS, cidrContains, parseValidCidrs } from "../keys/universal";

// One readable sentence per audit event, built from the data each writer records (lib/api-keys, lib/members,
// lib/orgs, lib/auth, lib/api/refusals). The raw data stays available beside it; this never shows JSON,
// and a missing or null value is left out rather than printed.

type Data = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Data => (v && typeof v === "object" && !Array.isArray(v) ? (v as Data) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A stored instant as a date (UTC, yyyy-MM-dd), or "never" for a missing one. */
function day(v: unknown): string {
  const text = str(v);
  if (!text) return "never";
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? text : date.toISOString().slice(0, 10);
}

function scopeText(v: unknown): string | null {
  const s = obj(v);
  const action = str(s.action);
  const resource = str(s.resourceFilter);
  return action && resource ? `${action} on ${resource}` : null;
}

const scopeTexts = (v: unknown) =>
  list(v)
    .map(scopeText)
    .filter((s): s is string => s !== null);
const cidrTexts = (v: unknown) => list(v).filter((c): c is string => typeof c === "string");
// An empty list and the whole-internet ranges (0.0.0.0/0, ::/0) both mean any address.
const cidrList = (cidrs: string[]) => (parseValidCidrs(cidrs).every((c) => c.prefix === 0) ? "any address" : cidrs.join(", "));

function scopeChange(before: unknown, after: unknown): string[] {
  const old = scopeTexts(before);
  const next = scopeTexts(after);
  const removed = old.filter((s) => !next.includes(s));
  const added = next.filter((s) => !old.includes(s));
  const parts: string[] = [];
  if (removed.length) parts.push(`removed ${removed.length === 1 ? "scope" : "scopes"} ${removed.join(", ")}`);
  if (added.length) parts.push(`added ${added.length === 1 ? "scope" : "scopes"} ${added.join(", ")}`);
  return parts;
}

function cidrChange(before: unknown, after: unknown): string {
  const old = cidrTexts(before);
  const next = cidrTexts(after);
  const was = parseValidCidrs(old.length ? old : ALLOW_ALL_CIDRS);
  const now = parseValidCidrs(next.length ? next : ALLOW_ALL_CIDRS);
  const within = (inner: typeof was, outer: typeof was) => inner.every((c) => outer.some((o) => cidrContains(o, c)));
  const verb = within(now, was) ? "narrowed" : within(was, now) ? "widened" : "changed";
  return `${verb} allowed IPs ${cidrList(old)} → ${cidrList(next)}`;
}

const LEAK_POLICY_SENTENCES: Record<string, string> = {
  revoke: "revoke the key",
  rotate: "rotate the key",
  alert: "only alert",
};

const LEAK_ACTION_SENTENCES: Record<string, string> = {
  revoked: "the key was revoked",
  rotated: "the key was rotated",
  grace_ended: "that old secret's grace period was ended",
  none: "left working (alert only)",
  already_dead: "it no longer worked",
};

const POLICY_LABELS: Record<string, string> = {
  requireExpiry: "require an expiry",
  maxLifetimeDays: "longest lifetime (days)",
  forbidWildcardCidr: "forbid any-address IP lists",
  forbidFullAccess: "forbid full access",
  requireOwner: "require an owner",
  requireRateLimit: "require a rate limit",
};

// The form field a policy refusal names → what the policy asked of it.
const POLICY_RULE_FIELDS: Record<string, string> = {
  expiry: "an allowed expiry",
  cidrs: "a narrower allowed-IP list",
  scopes: "narrower scopes",
  owner: "an owner",
  rateLimits: "a rate limit",
};

const POLICY_OPERATIONS: Record<string, string> = {
  create: "creating a key",
  update: "editing a key",
  rotate: "rotating a key",
  tier: "removing a tier's last rate limit",
};

function plain(v: unknown): string {
  if (v === null || v === undefined || v === "") return "none";
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (Array.isArray(v)) return v.length ? v.map(plain).join(", ") : "none";
  if (typeof v === "object")
    return (
      scopeText(v) ??
      Object.entries(v as Data)
        .map(([k, x]) => `${k} ${plain(x)}`)
        .join(", ")
    );
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "bigint" ? v.toString() : "";
}

const KEY_FIELD_ORDER = ["name", "description", "scopes", "cidrs", "expiresAt"];
const fieldRank = (field: string) => (KEY_FIELD_ORDER.includes(field) ? KEY_FIELD_ORDER.indexOf(field) : KEY_FIELD_ORDER.length);

function keyChanges(before: Data, after: Data): string {
  const parts: string[] = [];
  // A fixed order (what it is called, what it may do, from where, until when), whatever order the writer used.
  const fields = Object.keys(after).sort((a, b) => fieldRank(a) - fieldRank(b));
  for (const field of fields) {
    if (field === "scopes") parts.push(...scopeChange(before.scopes, after.scopes));
    else if (field === "cidrs") parts.push(cidrChange(before.cidrs, after.cidrs));
    else if (field === "expiresAt") parts.push(`expiry ${day(before.expiresAt)} → ${day(after.expiresAt)}`);
    else if (field === "name") parts.push(`renamed “${plain(before.name)}” → “${plain(after.name)}”`);
    else if (field === "description") parts.push(str(after.description) ? "changed the description" : "removed the description");
    else parts.push(`${field} ${plain(before[field])} → ${plain(after[field])}`);
  }
  return parts.length ? capitalize(parts.join("; ")) : "Edited (no visible change)";
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const FACTOR_PURPOSE: Record<string, string> = {
  sign_in: " at sign-in",
  enrolment: " while setting up an authenticator app",
  remove: " to remove the authenticator app",
  recovery_codes: " to replace the recovery codes",
  step_up: " to confirm an action",
};

const GRACE_TEXT: Record<string, string> = { "1h": "1 hour", "24h": "24 hours", "7d": "7 days" };

function sentenceFor(action: string, data: Data, label: string): string {
  const before = obj(data.before);
  const after = obj(data.after);
  switch (action) {
    case "key.created": {
      const scopes = scopeTexts(after.scopes);
      const env = str(after.environment);
      return [
        `Created${env ? ` (${env})` : ""} with ${scopes.length ? scopes.join(", ") : "no scopes"}`,
        `allowed IPs ${cidrList(cidrTexts(after.cidrs))}`,
        `expires ${day(after.expiresAt)}`,
      ].join("; ");
    }
    case "key.updated":
      return keyChanges(before, after);
    case "key.rotated": {
      const grace = str(data.grace);
      const old = str(before.last4);
      const next = str(after.last4);
      const secrets = old && next ? ` …${old} → …${next}` : next ? ` (new secret …${next})` : "";
      const tail =
        !grace || grace === "none"
          ? "the old secret stopped at once"
          : `the old secret works until ${day(data.previousSecretValidUntil)} (${GRACE_TEXT[grace] ?? grace} grace)`;
      return `Rotated the secret${secrets}; ${tail}`;
    }
    case "key.secret_expired": {
      const last4 = str(data.last4);
      const until = str(data.graceWasUntil);
      return `Ended the old secret${last4 ? ` …${last4}` : ""} early${until ? ` (its grace ran until ${day(until)})` : ""}`;
    }
    case "key.disabled":
    case "key.enabled": {
      const source = str(data.source);
      const verb = action === "key.disabled" ? "Disabled (verifications answer DISABLED)" : "Enabled again";
      return `${verb}${source === "api" ? " through the API" : ""}`;
    }
    case "key.revoked": {
      const reason = str(data.reason);
      const source = str(data.source);
      const from = source === "leak" ? " from a leak report" : source === "api" ? " through the API" : "";
      return `Revoked${from}${reason ? ` — reason: ${reason}` : ""}`;
    }
    case "user.signed_in": {
      const factor = str(data.secondFactor);
      return factor === "totp"
        ? "Signed in with an authenticator code"
        : factor === "recovery_code"
          ? "Signed in with a recovery code"
          : "Signed in";
    }
    case "user.second_factor_enrolled":
      return `Set up an authenticator app${num(data.recoveryCodes) ? `; ${plural(num(data.recoveryCodes) ?? 0, "recovery code")} made` : ""}`;
    case "user.second_factor_removed":
      return "Removed their authenticator app and recovery codes";
    case "user.second_factor_failed":
      return `Wrong or already used code${FACTOR_PURPOSE[str(data.purpose) ?? ""] ?? ""}`;
    case "user.second_factor_throttled":
      return "Too many codes tried: refused without checking";
    case "user.recovery_code_used": {
      const left = num(data.recoveryCodesLeft);
      return `Used a recovery code${FACTOR_PURPOSE[str(data.purpose) ?? ""] ?? ""}${left !== null ? `; ${plural(left, "code")} left` : ""}`;
    }
    case "user.recovery_codes_regenerated":
      return "Replaced their recovery codes; the old ones no longer work";
    case "org.leak_policy_updated":
      return `Leak reports now ${LEAK_POLICY_SENTENCES[str(after.leakPolicy) ?? ""] ?? "do something else"} (was: ${LEAK_POLICY_SENTENCES[str(before.leakPolicy) ?? ""] ?? "unknown"})`;
    case "leak.reported": {
      const found = `${str(data.secret) ?? "A secret"} of ${str(data.keyName) ?? "a key"} found at ${str(data.url) ?? "an unknown place"}`;
      return `${found}; ${LEAK_ACTION_SENTENCES[str(data.action) ?? ""] ?? "reported"}`;
    }
    case "leak.report_refused":
      return `Refused a leak report that was not signed by GitHub (${str(data.reason) === "unsigned" ? "no signature" : "bad signature"})`;
    case "honeytoken.planted":
      return `Planted canary “${str(data.name) ?? "unnamed"}” (${str(data.secret) ?? "secret hidden"})`;
    case "honeytoken.removed":
      return `Removed canary “${str(data.name) ?? "unnamed"}”`;
    case "honeytoken.triggered": {
      const what = str(data.resource) ? ` for ${str(data.action) ?? "any action"} on ${str(data.resource)}` : "";
      return `Canary “${str(data.name) ?? "unnamed"}” was presented to verify${what}: someone holds it`;
    }
    case "org.two_factor_policy_updated":
      return after.requireTwoFactor === true
        ? "Required two-factor authentication for every member"
        : "Stopped requiring two-factor authentication";
    case "user.signed_out":
      return "Signed out";
    // The address tried is the event's actor, shown beside the sentence.
    case "user.sign_in_failed":
      return "Wrong email or password";
    case "user.sign_in_throttled":
      return "Too many attempts: refused without checking the password";
    case "user.password_changed": {
      const ended = num(data.otherSessionsEnded);
      return `Changed their password${ended ? `; ${plural(ended, "other session")} signed out` : ""}`;
    }
    case "user.password_change_failed":
      return "Password change refused (wrong current password)";
    case "user.stepped_up":
      return "Confirmed their identity before a sensitive action";
    case "user.step_up_failed":
      return "Identity confirmation refused (wrong password or code)";
    case "user.step_up_throttled":
      return "Too many identity confirmations: refused without checking";
    case "user.sessions_ended": {
      const ended = num(data.ended) ?? 0;
      return data.everywhereElse === true
        ? `Signed out everywhere else (${plural(ended, "session")})`
        : `Signed out ${plural(ended, "other session")}`;
    }
    case "user.email_alerts_changed":
      return obj(data.after).emailAlerts === false ? "Turned their alert emails off" : "Turned their alert emails on";
    case "user.password_reset": {
      const ended = num(data.sessionsEnded);
      return `Set a new password from a reset link${ended ? `; ${plural(ended, "session")} ended` : ""}`;
    }
    case "user.password_reset_failed":
      return "Password reset refused (second factor missing or wrong)";
    case "member.password_reset_issued":
      return `Issued a password reset link for ${str(data.email) ?? "a member"}; it expires ${day(data.expiresAt)}`;
    case "action.refused": {
      const permission = str(data.permission);
      const role = str(data.role);
      return `Refused${permission ? `: needs ${permission}` : ""}${role ? `, which the ${role} role does not have` : ""}`;
    }
    case "key.policy_refused": {
      const rules = list(data.rules)
        .map((r) => (typeof r === "string" ? (POLICY_RULE_FIELDS[r] ?? r) : null))
        .filter((r): r is string => r !== null);
      const what = POLICY_OPERATIONS[str(data.operation) ?? ""] ?? "a key change";
      return `Refused ${what}: the key policy ${rules.length ? `requires ${rules.join(", ")}` : "was not met"}`;
    }
    case "api.request_refused": {
      const permission = str(data.permission);
      const reason = str(data.reason);
      const detail = str(data.detail);
      return `Refused API request${permission ? ` for ${permission}` : ""}${reason ? `: ${reason}` : ""}${detail ? ` (${detail})` : ""}`;
    }
    case "member.invited":
      return `Invited ${str(data.email) ?? "someone"} as ${str(data.role) ?? "member"}; the invite expires ${day(data.expiresAt)}`;
    case "member.invite_revoked":
      return `Withdrew the invite for ${str(data.email) ?? "someone"}`;
    case "member.joined":
      return `Joined as ${str(data.role) ?? "member"}${data.newAccount === true ? " with a new account" : ""}`;
    case "member.role_changed":
      return `Changed ${str(data.email) ?? "a member"}’s role ${plain(before.role)} → ${plain(after.role)}`;
    case "member.removed": {
      const ended = num(data.endedSessions);
      const role = str(data.role);
      return `Removed ${str(data.email) ?? "a member"}${role ? ` (${role})` : ""}${ended ? `; ${plural(ended, "session")} ended` : ""}`;
    }
    case "org.bootstrapped": {
      const name = str(data.name);
      const prefix = str(data.keyPrefix);
      return `Set up ${name ? `“${name}”` : "the organization"}${prefix ? ` with key prefix ${prefix}` : ""}`;
    }
    case "org.renamed":
      return `Renamed the organization “${plain(before.name)}” → “${plain(after.name)}”`;
    case "org.key_policy_updated":
    case "org.policy_updated": {
      const parts = Object.keys(after).map((k) => `${POLICY_LABELS[k] ?? k} ${plain(before[k])} → ${plain(after[k])}`);
      return `Key policy: ${parts.join("; ") || "unchanged"}`;
    }
    case "webhook.endpoint_created": {
      const types = list(data.eventTypes).filter((t): t is string => typeof t === "string");
      return `Added webhook endpoint ${str(data.url) ?? ""} for ${types.length ? types.join(", ") : "every event"}`;
    }
    case "webhook.endpoint_enabled":
      return `Enabled webhook endpoint ${str(data.url) ?? ""}`;
    case "webhook.endpoint_disabled":
      return `Disabled webhook endpoint ${str(data.url) ?? ""}`;
    case "webhook.endpoint_deleted":
      return `Deleted webhook endpoint ${str(data.url) ?? ""}`;
    case "webhook.test_sent":
      return `Sent a test event to ${str(data.url) ?? "a webhook endpoint"}`;
    case "webhook.delivery_resent":
      return `Resent ${str(data.eventType) ?? "an event"} (${str(data.eventId) ?? "?"}) to a webhook endpoint`;
    case "org.webhook_settings_updated":
      return after.allowPrivateTargets === true
        ? "Allowed webhooks to private, loopback and link-local addresses"
        : "Refused webhooks to private, loopback and link-local addresses";
    default: {
      const parts = Object.entries(data)
        .filter(([k, v]) => v !== null && v !== undefined && v !== "" && k !== "count" && k !== "repeated")
        .map(([k, v]) => `${k} ${plain(v)}`);
      return parts.length ? `${label}: ${parts.join("; ")}` : label;
    }
  }
}

/** "Removed scope write on carts/**; narrowed allowed IPs 203.0.113.0/24 → 203.0.113.0/28; expiry 2027-01-01 → never". */
export function describeAuditEvent(action: string, data: Data, label = action): string {
  const sentence = sentenceFor(action, data, label);
  const count = num(data.count);
  return count && count > 1 ? `${sentence} (${count} times in that minute)` : sentence;
}
