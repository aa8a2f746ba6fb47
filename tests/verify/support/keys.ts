import type { KeyActor } from "@/lib/api-keys/actor";
import type { Db } from "@/lib/db/client";
import type { CreateKeyInput } from "@/lib/validations/key";
import { makeKey } from "../../support/fixtures";

let counter = 0;

/** A key with a unique name; scopes default to read on projects/**. */
export async function newKey(db: Db, actor: KeyActor, overrides: Partial<CreateKeyInput> = {}) {
  counter += 1;
  return makeKey(db, actor, { name: `verify-${counter}`, ...overrides });
}

export function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
