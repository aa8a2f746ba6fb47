import { CliError, EXIT, exitCodeForStatus } from "./errors.mjs";

export const DEFAULT_URL = "http://127.0.0.1:3000";
const TIMEOUT_MS = 30_000;

/**
 * @typedef {{ url: string, apiKey?: string, userAgent: string }} ClientConfig
 */

function baseUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("protocol");
    return parsed.href.replace(/\/+$/, "");
  } catch {
    throw new CliError(`--url must be an http(s) URL, got "${url}"`, EXIT.VALIDATION);
  }
}

/**
 * Calls the management API; resolves with the JSON body or throws a CliError carrying the exit code.
 * @param {ClientConfig} config
 * @param {"GET"|"POST"|"PATCH"} method
 * @param {string} path
 * @param {{ query?: Record<string, string|number|undefined>, body?: unknown }} [options]
 */
export async function callApi(config, method, path, options = {}) {
  if (!config.apiKey) {
    throw new CliError("No API key: set KEYWARD_API_KEY (or pass --api-key) to a key with a keys/** scope", EXIT.AUTH);
  }
  const url = new URL(`${baseUrl(config.url)}${path}`);
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== "") url.searchParams.set(name, String(value));
  }
  /** @type {Response} */
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${config.apiKey}`,
        accept: "application/json",
        "user-agent": config.userAgent,
        ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const failure = /** @type {any} */ (error);
    const reason = failure?.cause?.code ?? (failure?.name === "TimeoutError" ? "timed out" : failure?.message);
    throw new CliError(
      `Could not reach Keyward at ${baseUrl(config.url)} (${reason}). Is it running? Set --url or KEYWARD_URL.`,
      EXIT.GENERIC,
    );
  }
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (response.ok) return body;
  const error = body?.error;
  const message = typeof error?.message === "string" ? error.message : `HTTP ${response.status} ${response.statusText}`;
  throw new CliError(message, exitCodeForStatus(response.status), { code: error?.code, details: error?.details });
}
