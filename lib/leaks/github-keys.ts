import { createPublicKey, verify as verifySignature, type KeyObject } from "node:crypto";

// GitHub signs every secret-scanning alert with an ECDSA P-256 key it publishes here (overridable for tests and
// GitHub Enterprise Server).
export const GITHUB_KEYS_URL = "https://api.github.com/meta/public_keys/secret_scanning";
const FETCH_TIMEOUT_MS = 5_000;
/** The key list is a few hundred bytes; anything past this is not it. */
const MAX_KEYS_BYTES = 64 * 1024;
/** Keys are read again after this even when every identifier is known (a key GitHub withdrew stops working). */
const KEYS_TTL_MS = 60 * 60 * 1000;
/** An unknown identifier refetches at most this often, so forged identifiers cannot make us hammer the URL. */
const MIN_REFETCH_MS = 1_000;

export function githubKeysUrl(): string {
  return process.env.KEYWARD_GITHUB_KEYS_URL || GITHUB_KEYS_URL;
}

async function readBounded(response: Response, limit: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new Error(`the key list is over ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function fetchKeys(url: string): Promise<Map<string, KeyObject>> {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: "application/json" } });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`the key list answered ${response.status}`);
  }
  const parsed = JSON.parse(await readBounded(response, MAX_KEYS_BYTES)) as { public_keys?: unknown };
  const keys = new Map<string, KeyObject>();
  for (const entry of Array.isArray(parsed.public_keys) ? parsed.public_keys : []) {
    const { key_identifier: id, key } = (entry ?? {}) as { key_identifier?: unknown; key?: unknown };
    if (typeof id !== "string" || typeof key !== "string") continue;
    try {
      const publicKey = createPublicKey(key);
      if (publicKey.asymmetricKeyType === "ec" && publicKey.asymmetricKeyDetails?.namedCurve === "prime256v1") keys.set(id, publicKey);
    } catch {
      // One unreadable key does not take the others with it.
    }
  }
  return keys;
}

interface KeyState {
  url: string;
  keys: Map<string, KeyObject>;
  fetchedAt: number;
  loading: Promise<void> | null;
}

// Per thread, shared by every bundled copy of this module.
const globalKeys = globalThis as { keywardGithubKeys?: KeyState };

function state(): KeyState {
  const url = githubKeysUrl();
  if (globalKeys.keywardGithubKeys?.url !== url) globalKeys.keywardGithubKeys = { url, keys: new Map(), fetchedAt: 0, loading: null };
  return globalKeys.keywardGithubKeys;
}

function refresh(s: KeyState): Promise<void> {
  s.loading ??= fetchKeys(s.url)
    .then((keys) => {
      s.keys = keys;
    })
    .finally(() => {
      s.fetchedAt = Date.now();
      s.loading = null;
    });
  return s.loading;
}

/** The public key GitHub names by this identifier; fetched (or refetched, for an unknown one) when needed. */
export async function githubPublicKey(identifier: string): Promise<KeyObject | null> {
  const s = state();
  const age = Date.now() - s.fetchedAt;
  const known = s.keys.get(identifier);
  if (known && age < KEYS_TTL_MS) return known;
  if (s.loading || age >= MIN_REFETCH_MS) {
    try {
      await refresh(s);
    } catch {
      // Unreachable or unreadable: keep what we had; a known key still verifies.
    }
  }
  return s.keys.get(identifier) ?? null;
}

/** Whether `signature` (base64 DER, as GitHub sends it) signs `body` with the key named by `identifier`. */
export async function verifyGithubSignature(body: Buffer, identifier: string, signature: string): Promise<boolean> {
  const key = await githubPublicKey(identifier);
  if (!key) return false;
  const der = Buffer.from(signature, "base64");
  if (der.length === 0) return false;
  try {
    return verifySignature("sha256", body, key, der);
  } catch {
    return false;
  }
}
