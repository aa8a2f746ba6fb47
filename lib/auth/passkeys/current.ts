import "server-only";
import { headers } from "next/headers";
import { requestMetaFrom } from "../../http/request-meta";
import { relyingParty, type RelyingParty } from "./relying-party";

/** The relying party for the request being served (configuration first, see relying-party.ts). */
export async function currentRelyingParty(): Promise<RelyingParty> {
  const h = await headers();
  return relyingParty(h.get("host"), requestMetaFrom(h));
}
