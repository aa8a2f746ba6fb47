import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const KEY_BYTES = 32;

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(/*turbopackIgnore: true*/ env.KEYWARD_DATA_DIR || "data");
}

function decodeKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== KEY_BYTES) {
    throw new Error(`${source} must be 32 bytes, as 64 hex characters or base64 (generate one with: openssl rand -hex 32)`);
  }
  return key;
}

/**
 * The key that seals each organization's signing secret at rest. From KEYWARD_MASTER_KEY, or else a file
 * generated once under the data directory with mode 0600. Losing it makes every existing API key unverifiable.
 */
export function loadMasterKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  if (env.KEYWARD_MASTER_KEY) return decodeKey(env.KEYWARD_MASTER_KEY, "KEYWARD_MASTER_KEY");
  const file = path.join(dataDir(env), "master.key");
  try {
    return decodeKey(readFileSync(file, "utf8"), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // "wx" fails if another process created the file first; then we read theirs.
    writeFileSync(file, randomBytes(KEY_BYTES).toString("hex") + "\n", { flag: "wx", mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return decodeKey(readFileSync(file, "utf8"), file);
}
