import type { Db } from "@/lib/db/client";
import type { CreateKeyInput } from "@/lib/validations/key";
import { createOrg, makeKey } from "../support/fixtures";

/** An organization with a management key that may do everything on keys/** (created through the services). */
export async function seedApiOrg(db: Db, { name = "Acme", keyPrefix = "kw" } = {}) {
  const org = await createOrg(db, { name, keyPrefix });
  const admin = await makeKey(db, org.actor, { name: "Key manager", scopes: [{ action: "admin", resourceFilter: "keys/**" }] });
  return { ...org, admin: { id: admin.key.id, secret: admin.secret, display: admin.key.display } };
}

export async function seedKey(db: Db, actor: Parameters<typeof makeKey>[1], overrides: Partial<CreateKeyInput>) {
  const { key, secret } = await makeKey(db, actor, overrides);
  return { id: key.id, secret, display: key.display, name: key.name };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read reply bodies field by field; each assertion checks the shape
export interface ApiReply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A JSON request to the running server with an API key. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as ApiReply above
export async function request<T = any>(
  base: string,
  secret: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiReply<T>> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(secret ? { authorization: `Bearer ${secret}` } : {}),
      ...(body !== undefined && typeof body !== "string" ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Leave non-JSON bodies as text so an assertion shows them.
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}
