import "server-only";
import { NextResponse } from "next/server";
import { getSessionContext } from "../auth/current";
import { TWO_FACTOR_REQUIRED } from "../auth/authorize";
import { isRefusedCrossSite } from "./fetch-metadata";

/**
 * Wraps every route handler that authenticates by the session cookie: a cross-site request is refused before
 * the session is even read, so another site cannot make a signed-in browser fetch the console's data; and a
 * member whose organization requires a second factor they have not set up is refused too.
 */
export function sessionRoute<R extends Request, A extends unknown[]>(handler: (request: R, ...rest: A) => Promise<Response>) {
  return async (request: R, ...rest: A): Promise<Response> => {
    if (isRefusedCrossSite(request.method, request.headers)) {
      return NextResponse.json(
        { code: "CROSS_SITE", error: "Cross-site requests to the console are refused." },
        { status: 403, headers: { "cache-control": "no-store", vary: "sec-fetch-site, origin" } },
      );
    }
    // An organization that requires two-factor: a member without one gets nothing until they set it up.
    if ((await getSessionContext())?.secondFactorRequired) {
      return NextResponse.json(
        { code: "TWO_FACTOR_REQUIRED", error: TWO_FACTOR_REQUIRED },
        { status: 403, headers: { "cache-control": "no-store" } },
      );
    }
    return handler(request, ...rest);
  };
}
