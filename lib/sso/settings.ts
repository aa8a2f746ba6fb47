import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { isRole, type Role } from "../auth/permissions";
import type { Db } from "../db/client";
import type { MemberActor } from "../members/actor";
import type { SsoSettingsInput } from "../validations/sso";
import { providerConfiguration } from "./provider";
import { checkProviderUrl, ProviderUrlRefused } from "./provider-url";
import { sealText, unsealText } from "./sealed";

/** What the settings form shows: never the client secret, only whether one is saved. */
export interface SsoSettingsView {
  configured: boolean;
  hasSecret: boolean;
  enabled: boolean;
  issuer: string;
  clientId: string;
  allowedDomains: string;
  defaultRole: Role;
  requireSso: boolean;
  breakGlassEmail: string;
}

export function parseStoredDomains(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((d): d is string => typeof d === "string") : [];
  } catch {
    return [];
  }
}

export async function getSsoSettings(db: Db, orgId: string): Promise<SsoSettingsView> {
  const config = await db.ssoConfig.findUnique({ where: { orgId } });
  if (!config)
    return {
      configured: false,
      hasSecret: false,
      enabled: true,
      issuer: "",
      clientId: "",
      allowedDomains: "",
      defaultRole: "auditor",
      requireSso: false,
      breakGlassEmail: "",
    };
  const breakGlass = config.breakGlassUserId ? await db.user.findUnique({ where: { id: config.breakGlassUserId } }) : null;
  return {
    configured: true,
    hasSecret: true,
    enabled: config.enabled,
    issuer: config.issuer,
    clientId: config.clientId,
    allowedDomains: parseStoredDomains(config.allowedDomains).join(", "),
    defaultRole: isRole(config.defaultRole) ? config.defaultRole : "auditor",
    requireSso: config.requireSso,
    breakGlassEmail: breakGlass?.email ?? "",
  };
}

function fieldError(field: string, message: string): never {
  throw new DomainError("VALIDATION", "Check the highlighted fields", { [field]: message });
}

/** Discovery against the issuer, with the client's credentials: a typo or an unreachable provider is a field error at save time. */
async function checkIssuer(issuer: string, clientId: string, clientSecret: string) {
  try {
    await checkProviderUrl(new URL(issuer));
    await providerConfiguration({ issuer, clientId, clientSecret }, { fresh: true });
  } catch (error) {
    if (error instanceof ProviderUrlRefused) fieldError("issuer", error.message);
    fieldError(
      "issuer",
      "No OpenID provider answered at this issuer URL (its /.well-known/openid-configuration could not be read or names another issuer)",
    );
  }
}

/**
 * Saves the organization's single sign-on. The client secret is sealed with the master key; an empty secret keeps
 * the saved one. The issuer is checked by discovery before anything is written.
 */
export async function updateSsoSettings(db: Db, by: MemberActor, input: SsoSettingsInput): Promise<SsoSettingsView> {
  const existing = await db.ssoConfig.findUnique({ where: { orgId: by.orgId } });
  const clientSecret = input.clientSecret || (existing ? unsealText(existing.clientSecretEnc) : "");
  if (!clientSecret) fieldError("clientSecret", "Enter the client secret");

  let breakGlassUserId: string | null = null;
  if (input.breakGlassEmail) {
    const member = await db.membership.findFirst({ where: { orgId: by.orgId, role: "admin", user: { email: input.breakGlassEmail } } });
    if (!member) fieldError("breakGlassEmail", "Name an admin of this organization");
    breakGlassUserId = member.userId;
  }

  await checkIssuer(input.issuer, input.clientId, clientSecret);

  const data = {
    enabled: input.enabled,
    issuer: input.issuer,
    clientId: input.clientId,
    clientSecretEnc: input.clientSecret || !existing ? sealText(clientSecret) : existing.clientSecretEnc,
    allowedDomains: JSON.stringify(input.allowedDomains),
    defaultRole: input.defaultRole,
    requireSso: input.requireSso,
    breakGlassUserId,
  };
  const before = existing
    ? {
        enabled: existing.enabled,
        issuer: existing.issuer,
        clientId: existing.clientId,
        allowedDomains: parseStoredDomains(existing.allowedDomains),
        defaultRole: existing.defaultRole,
        requireSso: existing.requireSso,
        breakGlassUserId: existing.breakGlassUserId,
      }
    : null;
  const after = { ...data, allowedDomains: input.allowedDomains, clientSecretEnc: undefined };
  await db.$transaction(async (tx) => {
    await tx.ssoConfig.upsert({ where: { orgId: by.orgId }, create: { orgId: by.orgId, ...data }, update: data });
    await recordAudit(tx, {
      orgId: by.orgId,
      actor: { type: "user", id: by.userId, label: by.email },
      action: "org.sso_updated",
      target: { type: "org", id: by.orgId },
      ip: by.meta.ip,
      userAgent: by.meta.userAgent,
      // Never the secret: only that it changed.
      data: { before, after: { ...after, clientSecretEnc: undefined }, clientSecretChanged: !!input.clientSecret },
    });
  });
  return getSsoSettings(db, by.orgId);
}
