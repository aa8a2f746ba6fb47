import "server-only";
import { DATABASE_UNAVAILABLE_MESSAGE, runAction } from "../actions/run-action";
import { isDatabaseUnavailable } from "../db/unavailable";
import { getDb, type Db } from "../db/client";
import { authorize } from "../keys";
import { keyIdSchema } from "../validations/key";
import { KEY_NOT_FOUND } from "../api-keys/load-key";
import { authenticateApiKey, KeyRefusedError, type ApiPrincipal } from "./authenticate";
import { isPerKey, targetKeyId, type Endpoint } from "./endpoints";
import { ApiError, apiErrorFromDomain, errorResponse, replyWith } from "./errors";
import { DomainError } from "../errors";
import { requestMetaFrom } from "../http/request-meta";
import { log } from "../log";
import { recordKeyRefusal } from "./refusals";
import { apiBuckets } from "./rate-limit";
import { API_BODY_MAX_BYTES } from "../http/limits";
import type { z } from "zod";

export interface ApiContext {
  db: Db;
  principal: ApiPrincipal;
  /** The key id from the path, for endpoints on one key. */
  keyId: string;
  now: Date;
}

// Next passes no params to a route without dynamic segments.
type RouteParams = { params?: Promise<Record<string, string | string[] | undefined>> } | undefined;

const TOO_LARGE = `The request body is too large: at most ${API_BODY_MAX_BYTES} bytes`;

// server.ts cuts a longer body as it streams in; this holds wherever else the app is served (next start, dev).
async function readBody(request: Request, acceptsText: boolean): Promise<unknown> {
  if (Number(request.headers.get("content-length") ?? 0) > API_BODY_MAX_BYTES) throw new ApiError("PAYLOAD_TOO_LARGE", TOO_LARGE);
  const text = await request.text();
  if (Buffer.byteLength(text, "utf8") > API_BODY_MAX_BYTES) throw new ApiError("PAYLOAD_TOO_LARGE", TOO_LARGE);
  if (text.trim() === "") return {};
  const type = mediaType(request.headers.get("content-type"));
  if (acceptsText && type === "text/plain") return { text };
  if (type !== "application/json") {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", `Send the body as Content-Type: application/json${acceptsText ? " or text/plain" : ""}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError("VALIDATION", "The request body is not valid JSON", { body: "Send a JSON object" });
  }
}

function mediaType(header: string | null): string {
  return (header ?? "").split(";")[0].trim().toLowerCase();
}

function queryOf(request: Request): Record<string, string> {
  const out: Record<string, string> = {};
  // The first value of a repeated parameter wins, as in the console's URL state.
  for (const [name, value] of new URL(request.url).searchParams) out[name] ??= value;
  return out;
}

function scopeNeeded(endpoint: Endpoint, keyId: string) {
  const oneKey = isPerKey(endpoint) || endpoint.self === true;
  const resource = oneKey ? `keys/${keyId}` : "keys";
  // "keys/**" matches "keys" itself, so it is what a collection request needs and the scope to suggest.
  const shown = oneKey ? resource : "keys/**";
  return { resource, shown };
}

/**
 * A management API route: API key → rate limit → key id → scope → input (the endpoint's zod schema, through
 * runAction like every console action) → the service. Every failure leaves in the one error shape.
 */
export function apiRoute<E extends Endpoint, T>(endpoint: E, handler: (ctx: ApiContext, input: z.output<E["input"]>) => Promise<T>) {
  return async (request: Request, route: RouteParams): Promise<Response> => {
    try {
      const db = getDb();
      const now = new Date();
      const principal = await authenticateApiKey(db, request.headers, now);
      const rate = apiBuckets().take(principal.keyId);
      if (!rate.allowed) {
        throw new ApiError("RATE_LIMITED", `Too many requests for this API key; retry in ${rate.retryAfterSeconds}s`, undefined, {
          "retry-after": String(rate.retryAfterSeconds),
        });
      }
      const { id } = (await route?.params) ?? {};
      const keyId = targetKeyId(endpoint, id, principal.keyId);
      // A malformed id names no key: the same answer as another organization's key.
      if (isPerKey(endpoint) && !keyIdSchema.safeParse(keyId).success) throw new ApiError("NOT_FOUND", KEY_NOT_FOUND);
      const { resource, shown } = scopeNeeded(endpoint, keyId);
      if (!authorize(principal.scopes, endpoint.action, resource).allowed) {
        const message = `Insufficient scope: needs ${endpoint.action} on ${shown}`;
        const refusal = new ApiError("FORBIDDEN", message, {
          action: endpoint.action,
          resource: shown,
          example: `${endpoint.action}:keys/**`,
        });
        throw new KeyRefusedError(
          { orgId: principal.orgId, keyId: principal.keyId, label: principal.actor.actor.label },
          "INSUFFICIENT_SCOPE",
          message,
          refusal,
        );
      }
      const raw =
        endpoint.source === "query"
          ? queryOf(request)
          : endpoint.source === "body+id"
            ? { ...asObject(await readBody(request, false)), keyId }
            : await readBody(request, endpoint.acceptsText === true);
      const ctx: ApiContext = { db, principal, keyId, now };
      const result = await runAction(endpoint.input, raw, (input) => handler(ctx, input as z.output<E["input"]>));
      if (!result.ok && result.code === "NOT_FOUND" && isPerKey(endpoint)) {
        // Another organization's key id: answered as not found, audited as a refusal of this key.
        const who = { orgId: principal.orgId, keyId: principal.keyId, label: principal.actor.actor.label };
        await auditRefusal(
          new KeyRefusedError(who, "NOT_FOUND", result.error, new ApiError("NOT_FOUND", result.error)),
          endpoint,
          request,
          route,
        );
      }
      return replyWith(result, endpoint.status);
    } catch (error) {
      if (error instanceof KeyRefusedError) await auditRefusal(error, endpoint, request, route);
      if (error instanceof ApiError) return errorResponse(error.code, error.message, error.details, error.headers);
      if (error instanceof DomainError) {
        const mapped = apiErrorFromDomain(error);
        return errorResponse(mapped.code, mapped.message, mapped.details);
      }
      if (isDatabaseUnavailable(error)) return errorResponse("DATABASE_UNAVAILABLE", DATABASE_UNAVAILABLE_MESSAGE);
      // Only the kind of failure is logged: messages of lower layers may quote input values.
      const e = error as { name?: string; code?: string };
      log.error(`api ${endpoint.operationId} failed: ${e?.name ?? "Error"}${e?.code ? ` (${e.code})` : ""}`);
      return errorResponse("INTERNAL", "Something went wrong. Nothing was changed; try again.");
    }
  };
}

async function auditRefusal(refusal: KeyRefusedError, endpoint: Endpoint, request: Request, route: RouteParams) {
  const { id } = (await route?.params) ?? {};
  const pathOrSelf = targetKeyId(endpoint, id, refusal.key.keyId);
  const keyId = keyIdSchema.safeParse(pathOrSelf).success ? pathOrSelf : null;
  const { resource } = scopeNeeded(endpoint, keyId ?? "");
  try {
    const targetKeyId = isPerKey(endpoint) ? keyId : null;
    await recordKeyRefusal(getDb(), refusal, { action: endpoint.action, resource, targetKeyId, meta: requestMetaFrom(request.headers) });
  } catch (error) {
    // The refusal is answered either way; a failed audit write is logged, never turned into a 500.
    log.error(`api refusal not recorded: ${(error as Error)?.name ?? "Error"}`);
  }
}

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ApiError("VALIDATION", "The request body must be a JSON object", { body: "Send a JSON object" });
  }
  return value as Record<string, unknown>;
}
