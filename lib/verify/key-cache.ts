import { DatabaseUnavailableError, isDatabaseUnavailable } from "../db/unavailable";
import { repeatedFailure } from "../log/repeated";
import { onKeyChange, type KeyChange } from "../api-keys/key-changes";
import { openSigningSecret } from "../orgs/signing-secret";
import { toCachedSecret, type CachedSecret } from "./cached-secret";
import type { KeyStore } from "./key-store";

// Only an unreachable database is "try again" (503); anything else — a signing secret sealed under another master
// key, a bug — stays itself, so the start and the log name it.
function asUnavailable(error: unknown): never {
  throw isDatabaseUnavailable(error) ? new DatabaseUnavailableError(error) : error;
}

export interface CachedOrg {
  id: string;
  prefix: string;
  version: number;
  signingSecret: Buffer;
  /** secret hash → entry */
  entries: Map<string, CachedSecret>;
  /**
   * SHA-256 of a secret → its stored hash (HMAC with this organization's signing secret), for secrets that
   * matched a key: a plain hash costs a fraction of an HMAC. Both sides are one-way; the mapping never goes
   * stale (it depends on the signing secret only, and a new one makes a new CachedOrg).
   */
  hashes: Map<string, string>;
  /** key id → its cached secret hashes (current and in grace) */
  byKey: Map<string, string[]>;
}

export interface KeyCacheOptions {
  /** How often Organization.keysVersion is read to notice changes made by other processes. */
  pollMs?: number;
  maxEntries?: number;
  filterPageSize?: number;
  /**
   * Past this long without a successful read of the key versions (the database unreachable), nothing is
   * answered from memory: every verification needs the database, so a key revoked elsewhere is never
   * served as valid for longer than this (KEYWARD_MAX_STALENESS_MS, default 60 s).
   */
  maxStalenessMs?: number;
  onError?: (error: unknown) => void;
}

export const DEFAULT_MAX_STALENESS_MS = 60_000;

/**
 * Secret hash → key state, for the verification hot path. Correctness rules:
 * - a change made through lib/api-keys in this process drops the key's entries synchronously (onKeyChange);
 * - a change made by another process bumps Organization.keysVersion, read every pollMs: the whole org is dropped;
 * - validity times (expiry, grace end) are stored, not evaluated, so they are checked at request time;
 * - unknown secrets are answered from `known`, the set of every stored secret hash, which any key change
 *   discards until reloaded: a key created in this process is never hidden by it, one created by another
 *   process at most until the next poll notices the organization's new keysVersion.
 */
export class KeyCache {
  private orgsById = new Map<string, CachedOrg>();
  private orgsByPrefix = new Map<string, CachedOrg[]>();
  private orgsStale = true;
  /** Counts reasons to reload the organization list; a read that began before the latest one does not clear it. */
  private orgsWanted = 0;
  private orgsLoading: Promise<void> | null = null;
  private known: Set<string> | null = null;
  private knownGeneration = 0;
  private knownLoading = false;
  /** Bumped by every invalidation; a database read that started before one is not cached. */
  private generation = 0;
  private size = 0;
  private pending = new Map<string, Promise<CachedSecret | null>>();
  private poller: NodeJS.Timeout | null = null;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;
  private readonly maxEntries: number;
  private readonly pageSize: number;
  private readonly onError: (error: unknown) => void;
  private readonly pollFailure = repeatedFailure("verify: reading key changes");
  private readonly maxStalenessMs: number;
  /** Well-formed secrets answered from memory (counted by the Verifier) or after a database read (by fetch). */
  readonly lookups = { hits: 0, misses: 0 };
  /** Date.now() at the end of the last read of the organizations and their key versions. */
  lastPolledAt = 0;

  constructor(
    private readonly store: KeyStore,
    private readonly options: KeyCacheOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 200_000;
    this.pageSize = options.filterPageSize ?? 5000;
    this.maxStalenessMs = options.maxStalenessMs ?? (Number(process.env.KEYWARD_MAX_STALENESS_MS) || DEFAULT_MAX_STALENESS_MS);
    const report = options.onError ?? ((error) => this.pollFailure.fail(error));
    // Reads still in flight when the cache stops fail on the closed connection: nothing to report then.
    this.onError = (error) => {
      if (!this.stopped) report(error);
    };
  }

  async start(): Promise<void> {
    this.unsubscribe = onKeyChange((change) => this.onLocalChange(change));
    await this.refreshOrgs();
    this.reloadKnown();
    this.poller = setInterval(() => void this.refreshOrgs().catch(this.onError), this.options.pollMs ?? 250);
    this.poller.unref();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.store.close();
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
  }

  /** Organizations whose keys start with this prefix; null while the organization list must be reloaded first. */
  orgsFor(prefix: string): CachedOrg[] | null {
    if (this.orgsStale || this.tooStale()) return null;
    return this.orgsByPrefix.get(prefix) ?? [];
  }

  /** Resolves once the organization list is current. */
  ready(): Promise<void> {
    return this.orgsStale || this.tooStale() ? this.refreshOrgs() : Promise.resolve();
  }

  /** The key versions were last read longer than maxStalenessMs ago: memory confirms nothing until they are read. */
  private tooStale(): boolean {
    return Date.now() - this.lastPolledAt > this.maxStalenessMs;
  }

  /** false only when no stored secret has this hash (as of the last reload since the last change). */
  mightExist(hash: string): boolean {
    return this.known === null || this.known.has(hash);
  }

  get entryCount(): number {
    return this.size;
  }

  /** One query by the secret hash (unique index) for each candidate organization's hash at once. */
  fetch(candidates: readonly { org: CachedOrg; hash: string }[]): Promise<CachedSecret | null> {
    this.lookups.misses += 1;
    // Joining a read that began before the latest invalidation could answer with what was just revoked.
    const id = `${this.generation}:${candidates.map((c) => c.hash).join(",")}`;
    let request = this.pending.get(id);
    if (!request) {
      request = this.load(candidates)
        .catch(asUnavailable)
        .finally(() => this.pending.delete(id));
      this.pending.set(id, request);
    }
    return request;
  }

  private async load(candidates: readonly { org: CachedOrg; hash: string }[]): Promise<CachedSecret | null> {
    const generation = this.generation;
    const rows = await this.store.secretsByHash(candidates.map((c) => c.hash));
    for (const { org, hash } of candidates) {
      // A hash made with one organization's signing secret only ever names that organization's key.
      const row = rows.find((r) => r.secretHash === hash && r.key.orgId === org.id);
      if (!row) continue;
      const entry = toCachedSecret(row);
      if (generation === this.generation && this.orgsById.get(org.id) === org) this.insert(org, entry);
      return entry;
    }
    return null;
  }

  private insert(org: CachedOrg, entry: CachedSecret) {
    if (org.entries.has(entry.hash)) return;
    if (this.size >= this.maxEntries) this.evictOldest(org);
    org.entries.set(entry.hash, entry);
    const hashes = org.byKey.get(entry.keyId);
    if (hashes) hashes.push(entry.hash);
    else org.byKey.set(entry.keyId, [entry.hash]);
    this.size += 1;
  }

  private evictOldest(preferred: CachedOrg) {
    const org = preferred.entries.size > 0 ? preferred : [...this.orgsById.values()].find((o) => o.entries.size > 0);
    const oldest = org?.entries.values().next().value;
    if (org && oldest) this.dropKey(org, oldest.keyId);
  }

  private dropKey(org: CachedOrg, keyId: string) {
    const hashes = org.byKey.get(keyId);
    if (!hashes) return;
    for (const hash of hashes) if (org.entries.delete(hash)) this.size -= 1;
    org.byKey.delete(keyId);
  }

  private dropOrg(org: CachedOrg) {
    this.size -= org.entries.size;
    org.entries.clear();
    org.byKey.clear();
  }

  private onLocalChange({ orgId, keyId }: KeyChange) {
    this.generation += 1;
    const org = this.orgsById.get(orgId);
    if (org) this.dropKey(org, keyId);
    else {
      // A key in an organization created since the last read: learn its prefix before the next verification.
      this.orgsStale = true;
      this.orgsWanted += 1;
      void this.refreshOrgs().catch(this.onError);
    }
    this.invalidateKnown();
  }

  private invalidateKnown() {
    this.known = null;
    this.knownGeneration += 1;
    this.reloadKnown();
  }

  // Pages through the unique index on secretHash, yielding between pages so requests keep flowing.
  private reloadKnown() {
    if (this.knownLoading) return;
    this.knownLoading = true;
    const generation = this.knownGeneration;
    const load = async () => {
      const known = new Set<string>();
      let cursor = "";
      for (;;) {
        const page = await this.store.hashPage(cursor, this.pageSize);
        for (const hash of page) known.add(hash);
        if (page.length < this.pageSize) break;
        cursor = page[page.length - 1];
        await new Promise((resolve) => setImmediate(resolve));
      }
      return known;
    };
    load()
      .then((known) => {
        if (generation === this.knownGeneration) this.known = known;
      })
      .catch(this.onError)
      .finally(() => {
        this.knownLoading = false;
        if (generation !== this.knownGeneration && !this.stopped) this.reloadKnown();
      });
  }

  /** Reads every organization's prefix and keysVersion; drops the cached keys of any that changed. */
  refreshOrgs(): Promise<void> {
    this.orgsLoading ??= this.readOrgs()
      .catch(asUnavailable)
      .finally(() => {
        this.orgsLoading = null;
      });
    return this.orgsLoading;
  }

  private async readOrgs() {
    const wanted = this.orgsWanted;
    const rows = await this.store.organizations();
    let changed = false;
    let listChanged = rows.length !== this.orgsById.size;
    for (const row of rows) {
      const org = this.orgsById.get(row.id);
      if (!org || org.prefix !== row.keyPrefix) {
        if (org) this.dropOrg(org);
        this.orgsById.set(row.id, {
          id: row.id,
          prefix: row.keyPrefix,
          version: row.keysVersion,
          signingSecret: openSigningSecret(row.id, row.signingSecretEnc),
          entries: new Map(),
          byKey: new Map(),
          hashes: new Map(),
        });
        listChanged = true;
        changed = true;
      } else if (org.version !== row.keysVersion) {
        org.version = row.keysVersion;
        this.dropOrg(org);
        changed = true;
      }
    }
    if (listChanged) {
      const ids = new Set(rows.map((r) => r.id));
      for (const [id, org] of this.orgsById) {
        if (!ids.has(id)) {
          this.dropOrg(org);
          this.orgsById.delete(id);
        }
      }
      this.orgsByPrefix = new Map();
      for (const org of this.orgsById.values()) this.orgsByPrefix.set(org.prefix, [...(this.orgsByPrefix.get(org.prefix) ?? []), org]);
    }
    if (changed) {
      this.generation += 1;
      this.invalidateKnown();
    }
    if (wanted === this.orgsWanted) this.orgsStale = false;
    this.lastPolledAt = Date.now();
    this.pollFailure.recovered();
  }
}
