import "server-only";
import { getDb } from "./db/client";

export const db = getDb();
export type { Db } from "./db/client";
