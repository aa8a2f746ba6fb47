import { z } from "zod";
import { AUDIT_OUTCOMES, type AuditOutcome } from "../audit";
import { text } from "../validations/text";
import { describeAuditEvent } from "./audit-sentence";
import type { Db, Prisma } from "../db/client";

// Reads of the append-only audit log (lib/audit.ts is its only writer and only inserts; nothing in the
// code updates or deletes an AuditEvent).

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_EXPORT_MAX = 100_000;

export const AUDIT_ACTION_LABELS: Record<string, string> = {
  "org.bootstrapped": "Organization set up",
  "org.renamed": "Organization renamed",
  "org.policy_updated": "Key policy changed",
  "org.key_policy_updated": "Key policy changed",
  "user.signed_in": "Signed in",
  "user.signed_out": "Signed out",
  "user.sign_in_failed": "Sign-in failed",
  "user.sign_in_throttled": "Sign-in throttled",
  "user.password_changed": "Password changed",
  "user.password_change_failed": "Password change refused",
  "user.stepped_up": "Identity confirmed",
  "user.step_up_failed": "Identity confirmation failed",
  "user.step_up_throttled": "Identity confirmation throttled",
  "user.sessions_ended": "Sessions signed out",
  "user.email_alerts_changed": "Alert emails turned on or off",
  "user.password_reset": "Password reset",
  "user.password_reset_failed": "Password reset refused",
  "member.password_reset_issued": "Password reset link issued",
  "user.second_factor_enrolled": "Two-factor turned on",
  "user.second_factor_removed": "Two-factor removed",
  "user.second_factor_failed": "Second factor failed",
  "user.second_factor_throttled": "Second factor throttled",
  "user.recovery_code_used": "Recovery code used",
  "user.recovery_codes_regenerated": "Recovery codes replaced",
  "org.two_factor_policy_updated": "Two-factor policy changed",
  "action.refused": "Action refused",
  "api.request_refused": "API request refused",
  "key.created": "Key created",
  "key.updated": "Key edited",
  "key.rotated": "Key rotated",
  "key.secret_expired": "Old secret ended",
  "key.revoked": "Key revoked",
  "key.disabled": "Key disabled",
  "key.enabled": "Key enabled",
  "key.policy_refused": "Refused by the key policy",
  "tier.created": "Rate-limit tier created",
  "tier.updated": "Rate-limit tier changed",
  "member.invited": "Member invited",
  "member.invite_revoked": "Invite withdrawn",
  "member.joined": "Member joined",
  "member.role_changed": "Member role changed",
  "member.removed": "Member removed",
  "org.leak_policy_updated": "Leak policy changed",
  "leak.reported": "Leak reported",
  "leak.report_refused": "Leak report refused",
  "honeytoken.planted": "Canary planted",
  "honeytoken.removed": "Canary removed",
  "honeytoken.triggered": "Canary triggered",
};

export function auditActionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? action;
}

export const AUDIT_OUTCOME_LABELS: Record<AuditOutcome, string> = { success: "Succeeded", denied: "Denied", failed: "Failed" };

const isoInstant = z.iso.datetime({ offset: true }).optional().catch(undefined);
const shortText = text().trim().max(100).optional().catch(undefined);

/** The audit view's filters as they live in the URL; anything unrecognised is dropped. */
export const auditParamsSchema = z.object({
  actor: shortText,
  action: shortText,
  key: shortText,
  outcome: z.enum(AUDIT_OUTCOMES).optional().catch(undefined),
  from: isoInstant,
  to: isoInstant,
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
export type AuditParams = z.output<typeof auditParamsSchema>;

export function parseAuditParams(search: Record<string, string | string[] | undefined>): AuditParams {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
  return auditParamsSchema.parse({
    actor: first(search.actor),
    action: first(search.action),
    key: first(search.key),
    outcome: first(search.outcome),
    from: first(search.from),
    to: first(search.to),
    page: first(search.page) ?? 1,
  });
}

/** The filters as a query string (without page), for links and the CSV export. */
export function auditSearch(params: Partial<AuditParams>): URLSearchParams {
  const search = new URLSearchParams();
  for (const name of ["actor", "action", "key", "outcome", "from", "to"] as const) {
    const value = params[name];
    if (value) search.set(name, value);
  }
  return search;
}

export const SYSTEM_ACTOR = "system";

export function auditWhere(orgId: string, params: AuditParams): Prisma.AuditEventWhereInput {
  return {
    orgId,
    ...(params.actor ? (params.actor === SYSTEM_ACTOR ? { actorType: "system" } : { actorId: params.actor }) : {}),
    ...(params.action ? { action: params.action } : {}),
    ...(params.outcome ? { outcome: params.outcome } : {}),
    ...(params.key ? { targetType: "key", targetId: params.key } : {}),
    ...(params.from || params.to
      ? { at: { ...(params.from ? { gte: new Date(params.from) } : {}), ...(params.to ? { lt: new Date(params.to) } : {}) } }
      : {}),
  };
}

export interface AuditRow {
  id: number;
  at: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  actionLabel: string;
  outcome: string;
  targetType: string | null;
  targetId: string | null;
  targetName: string | null;
  ip: string | null;
  userAgent: string | null;
  data: Record<string, unknown>;
  /** What happened, as a sentence (never JSON); the raw data stays in `data`. */
  sentence: string;
}

function parseData(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

type EventRow = Awaited<ReturnType<Db["auditEvent"]["findMany"]>>[number];

async function toRows(db: Db, orgId: string, events: EventRow[]): Promise<AuditRow[]> {
  const keyIds = [...new Set(events.filter((e) => e.targetType === "key" && e.targetId).map((e) => e.targetId!))];
  const keys = keyIds.length ? await db.apiKey.findMany({ where: { orgId, id: { in: keyIds } }, select: { id: true, name: true } }) : [];
  const names = new Map(keys.map((k) => [k.id, k.name]));
  return events.map((e) => {
    const data = parseData(e.data);
    return {
      id: e.id,
      at: e.at.toISOString(),
      actorType: e.actorType,
      actorId: e.actorId,
      actorLabel: e.actorLabel,
      action: e.action,
      actionLabel: auditActionLabel(e.action),
      outcome: e.outcome,
      targetType: e.targetType,
      targetId: e.targetId,
      targetName: e.targetType === "key" && e.targetId ? (names.get(e.targetId) ?? null) : null,
      ip: e.ip,
      userAgent: e.userAgent,
      data,
      sentence: describeAuditEvent(e.action, data, auditActionLabel(e.action)),
    };
  });
}

export interface AuditPage {
  rows: AuditRow[];
  total: number;
  page: number;
  pageCount: number;
}

/** A key's own trail for its detail page: its latest events, newest first. */
export async function listKeyAuditEvents(db: Db, orgId: string, keyId: string, take = 20): Promise<AuditRow[]> {
  const events = await db.auditEvent.findMany({
    where: { orgId, targetType: "key", targetId: keyId },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take,
  });
  return toRows(db, orgId, events);
}

/** Newest first, offset pagination (the log is append-only, so a page only shifts when new events arrive). */
export async function listAuditEvents(db: Db, orgId: string, params: AuditParams): Promise<AuditPage> {
  const where = auditWhere(orgId, params);
  const total = await db.auditEvent.count({ where });
  const pageCount = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const page = Math.min(params.page, pageCount);
  const events = await db.auditEvent.findMany({
    where,
    orderBy: [{ at: "desc" }, { id: "desc" }],
    skip: (page - 1) * AUDIT_PAGE_SIZE,
    take: AUDIT_PAGE_SIZE,
  });
  return { rows: await toRows(db, orgId, events), total, page, pageCount };
}

export interface AuditFilterOptions {
  actors: { value: string; label: string }[];
  actions: { value: string; label: string }[];
  keys: { value: string; label: string }[];
}

export async function getAuditFilterOptions(db: Db, orgId: string): Promise<AuditFilterOptions> {
  const [actors, actions, keys] = await Promise.all([
    db.auditEvent.groupBy({ by: ["actorType", "actorId", "actorLabel"], where: { orgId } }),
    db.auditEvent.groupBy({ by: ["action"], where: { orgId } }),
    db.apiKey.findMany({ where: { orgId }, select: { id: true, name: true, revokedAt: true }, orderBy: { name: "asc" }, take: 1000 }),
  ]);
  const actorOptions = new Map<string, string>();
  for (const a of actors) {
    const value = a.actorType === "system" ? SYSTEM_ACTOR : a.actorId;
    if (value && !actorOptions.has(value)) actorOptions.set(value, a.actorType === "key" ? `${a.actorLabel} (API key)` : a.actorLabel);
  }
  return {
    actors: [...actorOptions].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label)),
    actions: actions.map((a) => ({ value: a.action, label: auditActionLabel(a.action) })).sort((a, b) => a.label.localeCompare(b.label)),
    keys: keys.map((k) => ({ value: k.id, label: k.revokedAt ? `${k.name} (revoked)` : k.name })),
  };
}

/** Up to AUDIT_EXPORT_MAX matching events, newest first, for the CSV export. */
export async function exportAuditEvents(db: Db, orgId: string, params: AuditParams): Promise<AuditRow[]> {
  const events = await db.auditEvent.findMany({
    where: auditWhere(orgId, params),
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: AUDIT_EXPORT_MAX,
  });
  return toRows(db, orgId, events);
}

// Spreadsheets run a cell that starts with one of these as a formula; user agents and resources come
// from the public verify endpoint, so anyone can put "=HYPERLINK(…)" into the log.
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell value that spreadsheet apps show as text: a leading formula character gets a "'" before it. */
export function neutralizeCsvCell(value: string | null | undefined): string {
  const text = value ?? "";
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export const AUDIT_CSV_COLUMNS = [
  "time_utc",
  "actor_type",
  "actor",
  "actor_id",
  "action",
  "outcome",
  "target_type",
  "target_id",
  "target_name",
  "ip",
  "user_agent",
  "details",
];

export function auditCsvRecord(row: AuditRow): string[] {
  return [
    row.at,
    row.actorType,
    row.actorLabel,
    row.actorId ?? "",
    row.action,
    row.outcome,
    row.targetType ?? "",
    row.targetId ?? "",
    row.targetName ?? "",
    row.ip ?? "",
    row.userAgent ?? "",
    JSON.stringify(row.data),
  ].map(neutralizeCsvCell);
}
