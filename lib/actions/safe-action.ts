import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { getSessionContext, currentRequestMeta, type SessionContext } from "../auth/current";
import { authorize } from "../auth/authorize";
import type { Permission } from "../auth/permissions";
import type { RequestMeta } from "../http/request-meta";
import { db } from "../db";
import { auditActionRefusal } from "./refusal-audit";
import { errorResult, runAction } from "./run-action";
import type { ActionResult } from "./errors";

/** For the signed-out pages (setup, sign-in): validation and the error shape, no session. */
export function publicAction<S extends z.ZodType, T>(schema: S, handler: (input: z.output<S>, meta: RequestMeta) => Promise<T>) {
  return async (raw: unknown): Promise<ActionResult<T>> => {
    const meta = await currentRequestMeta();
    return runAction(schema, raw, (input) => handler(input, meta), unstable_rethrow);
  };
}

export type ActionContext = SessionContext & { meta: RequestMeta };

/**
 * Every signed-in server action: checks the session inside the action (not only in middleware), the
 * member's permission in the active organization, then the input against the shared schema.
 */
export function authedAction<S extends z.ZodType, T>(
  permission: Permission,
  schema: S,
  handler: (ctx: ActionContext, input: z.output<S>) => Promise<T>,
) {
  return async (raw: unknown): Promise<ActionResult<T>> => {
    try {
      const session = await getSessionContext();
      const refusal = authorize(session, permission);
      if (refusal) {
        if (session && refusal.code === "FORBIDDEN")
          await auditActionRefusal(db, session, permission, raw, await currentRequestMeta(), "FORBIDDEN");
        return refusal;
      }
      // authorize refuses a null session, so one is here.
      const ctx = { ...(session as SessionContext), meta: await currentRequestMeta() };
      const result = await runAction(schema, raw, (input) => handler(ctx, input), unstable_rethrow);
      // Another organization's id (or one that does not exist) is answered as not found; the attempt is audited.
      if (!result.ok && (result.code === "NOT_FOUND" || result.code === "FORBIDDEN")) {
        await auditActionRefusal(db, ctx, permission, raw, ctx.meta, result.code);
      }
      return result;
    } catch (error) {
      unstable_rethrow(error);
      return errorResult(error);
    }
  };
}
