import "server-only";
import { listTiers, saveTier } from "../ratelimits/tiers";
import { ENDPOINTS } from "./endpoints";
import { apiRoute } from "./route";

export const listTiersRoute = apiRoute(ENDPOINTS.listTiers, async ({ db, principal }) => ({ tiers: await listTiers(db, principal.orgId) }));

export const saveTierRoute = apiRoute(ENDPOINTS.saveTier, async ({ db, principal, now }, input) => ({
  tier: await saveTier(db, principal.actor, input, now),
}));
