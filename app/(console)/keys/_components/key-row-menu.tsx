"use client";
import * as Menu from "@radix-ui/react-dropdown-menu";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { cn } from "@/lib/cn";
import { RevokeKeyDialog } from "./revoke-key-dialog";
import { RotateKeyDialog } from "./rotate-key-dialog";
import { useSetKeyEnabled } from "./use-set-key-enabled";

const baseItem = "flex cursor-default items-center rounded px-2.5 py-1.5 text-sm outline-none select-none";
const itemClass = cn(baseItem, "text-slate-800 data-[highlighted]:bg-indigo-50 data-[highlighted]:text-indigo-900");
// Set apart from the others: the one permanent action.
const dangerClass = cn(baseItem, "text-red-700 data-[highlighted]:bg-red-50 data-[highlighted]:text-red-800");

/**
 * A key's actions in its list row: open, copy the key id, rotate, disable or enable, revoke. Radix's menu gives the keyboard
 * model (arrows, Home/End, typeahead, Escape back to the trigger); rotate and revoke open the same dialogs as
 * the key page. `modal={false}`: the dialog that an item opens takes over focus, not the closing menu.
 */
export function KeyRowMenu({
  keyId,
  keyName,
  status,
  enabled,
  canRotate,
  canRevoke,
}: {
  keyId: string;
  keyName: string;
  status: "active" | "expired" | "revoked";
  enabled: boolean;
  canRotate: boolean;
  canRevoke: boolean;
}) {
  const router = useRouter();
  const setEnabled = useSetKeyEnabled(keyId, keyName);
  const [dialog, setDialog] = useState<"rotate" | "revoke" | null>(null);
  const [copied, setCopied] = useState(false);

  return (
    <>
      <Menu.Root modal={false}>
        <Menu.Trigger
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm leading-none text-slate-700 hover:bg-slate-50 focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none"
          aria-label={`Actions for ${keyName}`}
        >
          <span aria-hidden>⋯</span>
        </Menu.Trigger>
        <Menu.Portal>
          <Menu.Content align="end" sideOffset={4} className="z-30 min-w-40 rounded-md border border-slate-200 bg-white p-1 shadow-lg">
            <Menu.Item className={itemClass} onSelect={() => router.push(`/keys/${keyId}`)}>
              Open
            </Menu.Item>
            <Menu.Item
              className={itemClass}
              onSelect={() => {
                void navigator.clipboard?.writeText(keyId).then(() => {
                  setCopied(true);
                  setTimeout(() => setCopied(false), 2000);
                });
              }}
            >
              Copy key id
            </Menu.Item>
            {canRotate && status === "active" && (
              <Menu.Item className={itemClass} onSelect={() => setDialog("rotate")}>
                Rotate secret…
              </Menu.Item>
            )}
            {canRevoke && status !== "revoked" && (
              <Menu.Item className={itemClass} disabled={setEnabled.pending} onSelect={() => void setEnabled.run(!enabled)}>
                {enabled ? "Disable" : "Enable"}
              </Menu.Item>
            )}
            {canRevoke && status !== "revoked" && <Menu.Separator className="my-1 h-px bg-slate-200" />}
            {canRevoke && status !== "revoked" && (
              <Menu.Item className={dangerClass} onSelect={() => setDialog("revoke")}>
                Revoke…
              </Menu.Item>
            )}
          </Menu.Content>
        </Menu.Portal>
      </Menu.Root>
      <span role="status" className="sr-only">
        {copied ? `Key id of ${keyName} copied` : ""}
      </span>
      {/* Always mounted: the rotate dialog shows the new secret after it closes, and "Rotate instead" lives in the revoke one. */}
      <RotateKeyDialog
        keyId={keyId}
        keyName={keyName}
        open={dialog === "rotate"}
        onOpenChange={(open) => setDialog(open ? "rotate" : null)}
      />
      <RevokeKeyDialog
        keyId={keyId}
        keyName={keyName}
        open={dialog === "revoke"}
        onOpenChange={(open) => setDialog(open ? "revoke" : null)}
      />
    </>
  );
}
