import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import { DATABASE_UNAVAILABLE_MESSAGE } from "../actions/run-action";
import { recordRefusal } from "../audit-refusals";
import { findIssuedSecrets } from "../api-keys/find-leaked";
import { errorResponse, jsonResponse } from "../api/errors";
import { findSecretsInText } from "../keys";
import { getDb, type Db } from "../db/client";
import { isDatabaseUnavailable } from "../db/unavailable";
import { requestMetaFrom, type RequestMeta } from "../http/request-meta";
import { API_BODY_MAX_BYTES } from "../http/limits";
import { log } from "../log";
import { githubBatchSchema, type GithubLabel } from "./github-document";
import { verifyGithubSignature } from "./github-keys";
import { reportLeak } from "./report-leak";

/** GitHub asks partners to take large batches; this is the management API's body limit, counted as it streams. */
export const GITHUB_REPORT_MAX_BYTES = API_BODY_MAX_BYTES;

const refusalActor = { type: "system", label: "GitHub secret scanning (unverified request)" } as const;

function unauthorized(code: string, message: string): Response {
  return jsonResponse({ error: { code, message } }, 401);
}

// Counted as it streams: a longer body is cut at the limit without being read further.
async function readBounded(request: Request): Promise<Buffer | null> {
  if (Number(request.headers.get("content-length") ?? 0) > GITHUB_REPORT_MAX_BYTES) return null;
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > GITHUB_REPORT_MAX_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

// A request that is not GitHub's has no organization: every organization's audit log shows the refusal (collapsed
// per minute, so a flood is one line a minute).
async function auditRefusal(db: Db, meta: RequestMeta, reason: string) {
  const orgs = await db.organization.findMany({ select: { id: true } });
  for (const org of orgs) {
    await recordRefusal(db, {
      orgId: org.id,
      actor: refusalActor,
      action: "leak.report_refused",
      outcome: "denied",
      ip: meta.ip,
      userAgent: meta.userAgent,
      data: { source: "github", reason },
    });
  }
}

export async function githubSecretScanningRoute(request: Request): Promise<Response> {
  const db = getDb();
  const meta = requestMetaFrom(request.headers);
  try {
    const identifier = request.headers.get("github-public-key-identifier");
    const signature = request.headers.get("github-public-key-signature");
    if (!identifier || !signature) {
      await request.body?.cancel();
      await auditRefusal(db, meta, "unsigned");
      return unauthorized("SIGNATURE_REQUIRED", "Send the GitHub-Public-Key-Identifier and GitHub-Public-Key-Signature headers");
    }
    const body = await readBounded(request);
    if (!body) {
      return errorResponse("PAYLOAD_TOO_LARGE", `The request body is too large: at most ${GITHUB_REPORT_MAX_BYTES} bytes`, undefined, {
        connection: "close",
      });
    }
    if (!(await verifyGithubSignature(body, identifier, signature))) {
      await auditRefusal(db, meta, "bad_signature");
      return unauthorized("SIGNATURE_INVALID", "The signature does not match the body under any of GitHub's published keys");
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      return errorResponse("VALIDATION", "The request body is not valid JSON", { body: "Send a JSON array of matches" });
    }
    const parsed = githubBatchSchema.safeParse(json);
    if (!parsed.success) {
      return errorResponse("VALIDATION", "Send a JSON array of matches { token, type, url, source }");
    }
    return jsonResponse(await handleBatch(db, parsed.data, meta));
  } catch (error) {
    if (isDatabaseUnavailable(error)) return errorResponse("DATABASE_UNAVAILABLE", DATABASE_UNAVAILABLE_MESSAGE);
    log.error({ err: error instanceof Error ? error.message : "unknown" }, "secret scanning: handling a GitHub report failed");
    return errorResponse("INTERNAL", "The report could not be handled; send it again");
  }
}

// What GitHub says about a find is stored (audit, events): never a secret in it, even one in a URL.
function scrub(text: string): string {
  return findSecretsInText(text).reduce((out, secret) => out.split(secret).join("[secret]"), text);
}

async function handleBatch(db: Db, matches: z.infer<typeof githubBatchSchema>, meta: RequestMeta): Promise<GithubLabel[]> {
  const now = new Date();
  const issued = await findIssuedSecrets(
    db,
    matches.map((m) => m.token),
  );
  const handled = new Set<string>();
  for (const match of matches) {
    const hit = issued.get(match.token);
    if (!hit || handled.has(match.token)) continue;
    handled.add(match.token);
    const report = {
      source: "github",
      url: scrub(match.url).slice(0, 2048),
      tokenType: scrub(match.type).slice(0, 200),
      location: match.source === undefined ? null : scrub(match.source).slice(0, 200),
    };
    await reportLeak(db, hit, report, meta, now);
  }
  // A secret this deployment issued is a true positive whether or not it still worked: the label grades the
  // detection, and the secret did leak.
  return matches.map((m) => ({
    token_hash: createHash("sha256").update(m.token).digest("hex"),
    token_type: m.type,
    label: issued.has(m.token) ? ("true_positive" as const) : ("false_positive" as const),
  }));
}
