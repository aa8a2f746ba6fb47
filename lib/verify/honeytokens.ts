import type { Db } from "../db/client";
import { onKeyChange } from "../api-keys/key-changes";
import { recordHoneytokenTrigger } from "../honeytokens/honeytokens";
import { hashSecret, parseSecret } from "../keys";
import { log } from "../log";
import { repeatedFailure } from "../log/repeated";
import type { KeyCache } from "./key-cache";

export interface Presentation {
  key: string;
  ip: string;
  userAgent: string | null;
  action: string | null;
  resource: string | null;
  at: Date;
}

/** How often canaries planted by other instances are read (this instance's own are seen at once). */
const RELOAD_MS = Number(process.env.KEYWARD_CANARIES_POLL_MS) || 5_000;

/**
 * Canaries, watched from beside the verification path. A canary answers NOT_FOUND like any unknown secret — the
 * verdict never looks here — and only after the answer is sent does `check` look the secret up among the canaries'
 * hashes (in memory) and record the trigger (in the database, off the request).
 */
export class HoneytokenWatch {
  /** secret hash → canary */
  private byHash = new Map<string, { id: string; orgId: string }>();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private loading: Promise<void> | null = null;
  private reloadAgain = false;
  private readonly failures = repeatedFailure("verify: reading canaries");

  constructor(
    private readonly db: Db,
    private readonly cache: KeyCache,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = onKeyChange(() => void this.reload());
    await this.reload();
    this.timer = setInterval(() => void this.reload(), RELOAD_MS);
    this.timer.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
  }

  reload(): Promise<void> {
    if (this.loading) {
      this.reloadAgain = true;
      return this.loading;
    }
    this.loading = this.db.honeytoken
      .findMany({ select: { id: true, orgId: true, secretHash: true } })
      .then((rows) => {
        this.byHash = new Map(rows.map((r) => [r.secretHash, { id: r.id, orgId: r.orgId }]));
        this.failures.recovered();
      })
      .catch((error: unknown) => this.failures.fail(error))
      .finally(() => {
        this.loading = null;
        if (this.reloadAgain) {
          this.reloadAgain = false;
          void this.reload();
        }
      });
    return this.loading;
  }

  /** Called after a NOT_FOUND was answered; resolves once a trigger (if any) is recorded; null with no canaries. */
  check(seen: Presentation): Promise<void> | null {
    if (this.byHash.size === 0) return null;
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.record(seen));
  }

  private async record(seen: Presentation): Promise<void> {
    const parsed = parseSecret(seen.key);
    if (!parsed) return;
    for (const org of this.cache.orgsFor(parsed.prefix) ?? []) {
      const canary = this.byHash.get(hashSecret(org.signingSecret, seen.key));
      if (!canary || canary.orgId !== org.id) continue;
      try {
        await recordHoneytokenTrigger(this.db, {
          honeytokenId: canary.id,
          orgId: canary.orgId,
          ip: seen.ip,
          userAgent: seen.userAgent,
          action: seen.action,
          resource: seen.resource,
          at: seen.at,
        });
      } catch (error) {
        log.error(
          { honeytokenId: canary.id, err: error instanceof Error ? error.message : "unknown" },
          "verify: recording a canary's trigger failed",
        );
      }
      return;
    }
  }
}
