import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { getSessionContext, currentRequestMeta, type SessionContext } from "../auth/current";
import { authorize } from "../auth/authorize";
import { assertFreshProof } from "../auth/step-up";
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

export interface AuthedActionOptions<I> {
  /**
   * A dangerous action: it needs a proof of identity (lib/auth/step-up.ts) within the last minutes, else it is
   * refused with STEP_UP_REQUIRED and changes nothing. A function decides from the parsed input (and may read
   * the database), for actions only some inputs of which are dangerous.
   */
  stepUp?: true | ((input: I, ctx: ActionContext) => boolean | Promise<boolean>);
}

/**
 * Every signed-in server action: checks the session inside the action (not only in middleware), the
 * member's permission in the active organization, the input against the shared schema, then — for dangerous
 * actions — a fresh step-up.
 */
export function authedAction<S extends z.ZodType, T>(
  permission: Permission,
  schema: S,
  handler: (ctx: ActionContext, input: z.output<S>) => Promise<T>,
  options: AuthedActionOptions<z.output<S>> = {},
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
      const result = await runAction(
        schema,
        raw,
        async (input) => {
          const { stepUp } = options;
          if (stepUp && (stepUp === true || (await stepUp(input, ctx)))) assertFreshProof(ctx.reauthenticatedAt);
          return handler(ctx, input);
        },
        unstable_rethrow,
      );
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
