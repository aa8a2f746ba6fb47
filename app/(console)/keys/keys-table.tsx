"use client";
import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Table, Td, Th } from "@/components/ui/table";
import { Sparkline } from "@/components/usage/sparkline";
import type { KeyView } from "@/lib/api-keys/serialize";
import type { KeyListParams } from "@/lib/queries/key-list-params";
import { summarizeScopes } from "@/lib/keys/universal";
import { summarizeCidrs } from "./_components/cidr-summary";
import { exactTime, relativeTime } from "./_components/format";
import { KeyRowMenu } from "./_components/key-row-menu";
import { keyListHref } from "./_components/list-url";
import { KeyStatusBadge } from "./_components/key-status-badge";
import { OwnerAndTags } from "./_components/owner-and-tags";
import { useBulkRevokeModal } from "./bulk-revoke-dialog";

export function KeysTable({
  rows,
  now,
  canRevoke,
  canRotate,
  sparklines,
  params,
}: {
  rows: KeyView[];
  /** The list's state: a tag chip or an owner links to the list filtered by it. */
  params: KeyListParams;
  now: string;
  canRevoke: boolean;
  canRotate: boolean;
  /** Requests per day over the last 30 days, per key id, from one query for the page. */
  sparklines: Record<string, number[]>;
}) {
  const at = new Date(now);
  const tagHref = (tag: string) => keyListHref(params, { tag });
  const ownerHref = (owner: string) => keyListHref(params, { owner });
  const [selected, setSelected] = useState<string[]>([]);
  const revocable = rows.filter((row) => row.status !== "revoked");
  const chosen = revocable.filter((row) => selected.includes(row.id));
  const bulk = useBulkRevokeModal(() => setSelected([]));
  const toggle = (id: string, on: boolean) => setSelected((ids) => (on ? [...ids, id] : ids.filter((x) => x !== id)));
  const allOn = revocable.length > 0 && chosen.length === revocable.length;

  return (
    <>
      {canRevoke && chosen.length > 0 && (
        // Sticky: stays in view however far the list is scrolled while rows are ticked.
        <div
          className="sticky top-0 z-20 flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 bg-indigo-50 px-3 py-2 text-sm shadow-sm"
          data-testid="bulk-bar"
        >
          <span>{chosen.length} selected</span>
          <Button variant="danger" onClick={() => bulk.open(chosen.map(({ id, name }) => ({ id, name })))}>
            Revoke {chosen.length} {chosen.length === 1 ? "key" : "keys"}…
          </Button>
        </div>
      )}
      <ul className="divide-y divide-slate-100 sm:hidden" aria-label="API keys">
        {rows.map((key) => (
          <li key={key.id} className="flex gap-3 px-4 py-3">
            {canRevoke && key.status !== "revoked" && (
              <input
                type="checkbox"
                aria-label={`Select ${key.name}`}
                className="mt-1 size-4 shrink-0 accent-indigo-600"
                checked={selected.includes(key.id)}
                onChange={(event) => toggle(key.id, event.target.checked)}
              />
            )}
            <div className="min-w-0 flex-1 space-y-1 text-sm">
              <div className="flex items-start justify-between gap-2">
                <Link href={`/keys/${key.id}`} className="font-medium break-words text-indigo-700 hover:underline">
                  {key.name}
                </Link>
                <div className="flex shrink-0 items-center gap-2">
                  <KeyStatusBadge status={key.status} expiresSoon={key.expiresSoon} disabled={!key.enabled} />
                  <KeyRowMenu
                    keyId={key.id}
                    keyName={key.name}
                    status={key.status}
                    enabled={key.enabled}
                    canRotate={canRotate}
                    canRevoke={canRevoke}
                  />
                </div>
              </div>
              <p className="font-mono text-xs text-slate-700">{key.display}</p>
              <OwnerAndTags owner={key.owner} tags={key.tags} tagHref={tagHref} ownerHref={ownerHref} />
              <p className="text-slate-700">
                {summarizeScopes(key.scopes)} · <span className="font-mono text-xs">{summarizeCidrs(key.cidrs)}</span>
              </p>
              <p className="text-xs text-slate-500">
                Expires {relativeTime(key.expiresAt, at)} · last used {relativeTime(key.lastUsedAt, at)}
              </p>
              <Sparkline values={sparklines[key.id] ?? []} width={120} height={20} className="block" />
            </div>
          </li>
        ))}
      </ul>
      <div className="hidden sm:block">
        <Table label="API keys">
          <thead className="bg-slate-50">
            <tr>
              {canRevoke && (
                <Th className="w-8">
                  <input
                    type="checkbox"
                    aria-label="Select all keys on this page"
                    className="size-4 accent-indigo-600"
                    checked={allOn}
                    disabled={revocable.length === 0}
                    onChange={(event) => setSelected(event.target.checked ? revocable.map((row) => row.id) : [])}
                  />
                </Th>
              )}
              <Th>Name · key</Th>
              <Th>Scopes</Th>
              <Th>Allowed IPs</Th>
              <Th>Created</Th>
              <Th>Expires</Th>
              <Th>Last used</Th>
              <Th>Status</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white">
            {rows.map((key) => (
              <tr key={key.id} className="hover:bg-slate-50">
                {canRevoke && (
                  <Td>
                    {key.status !== "revoked" && (
                      <input
                        type="checkbox"
                        aria-label={`Select ${key.name}`}
                        className="size-4 accent-indigo-600"
                        checked={selected.includes(key.id)}
                        onChange={(event) => toggle(key.id, event.target.checked)}
                      />
                    )}
                  </Td>
                )}
                <Td className="max-w-56 min-w-32">
                  <Link href={`/keys/${key.id}`} className="font-medium break-words text-indigo-700 hover:underline">
                    {key.name}
                  </Link>
                  <p className="mt-0.5 font-mono text-xs whitespace-nowrap text-slate-700">{key.display}</p>
                  {key.description && <p className="mt-0.5 line-clamp-2 text-xs text-slate-500">{key.description}</p>}
                  <OwnerAndTags owner={key.owner} tags={key.tags} tagHref={tagHref} ownerHref={ownerHref} className="mt-1" />
                </Td>
                <Td className="min-w-28">{summarizeScopes(key.scopes)}</Td>
                <Td className="max-w-36 font-mono text-xs break-words">{summarizeCidrs(key.cidrs)}</Td>
                <Td className="whitespace-nowrap">
                  <span title={exactTime(key.createdAt)}>{relativeTime(key.createdAt, at)}</span>
                  {key.createdBy && (
                    <p className="max-w-28 truncate text-xs text-slate-500" title={key.createdBy}>
                      by {key.createdBy}
                    </p>
                  )}
                </Td>
                <Td className="whitespace-nowrap" title={exactTime(key.expiresAt)}>
                  {relativeTime(key.expiresAt, at)}
                </Td>
                <Td className="whitespace-nowrap">
                  <span title={exactTime(key.lastUsedAt)}>{relativeTime(key.lastUsedAt, at)}</span>
                  <Sparkline values={sparklines[key.id] ?? []} width={80} height={20} className="mt-1 block" />
                </Td>
                <Td>
                  <KeyStatusBadge status={key.status} expiresSoon={key.expiresSoon} disabled={!key.enabled} />
                </Td>
                <Td className="text-right">
                  <KeyRowMenu
                    keyId={key.id}
                    keyName={key.name}
                    status={key.status}
                    enabled={key.enabled}
                    canRotate={canRotate}
                    canRevoke={canRevoke}
                  />
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
      {bulk.element}
    </>
  );
}
