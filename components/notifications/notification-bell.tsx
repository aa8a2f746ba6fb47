"use client";
import * as RadixDialog from "@radix-ui/react-dialog";
import { Bell } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { RelativeTime } from "@/components/charts/local-time";
import { Button } from "@/components/ui/button";
import { DialogContent } from "@/components/ui/dialog";
import { markNotificationsReadAction } from "@/lib/actions/notifications/mark-notifications-read";
import { cn } from "@/lib/cn";

export interface BellItem {
  id: string;
  sentence: string;
  createdAt: string;
  read: boolean;
}

/** The header's bell: the member's unread count, and their latest notifications in a dialog. */
export function NotificationBell({ items, unread }: { items: BellItem[]; unread: number }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const markAll = async () => {
    setBusy(true);
    await markNotificationsReadAction({ ids: [], all: true });
    setBusy(false);
    router.refresh();
  };
  return (
    <RadixDialog.Root open={open} onOpenChange={setOpen}>
      <RadixDialog.Trigger
        className="relative inline-flex items-center rounded-md border border-slate-300 p-1.5 text-slate-700 hover:bg-slate-50"
        aria-label={unread > 0 ? `Notifications: ${unread} unread` : "Notifications"}
        data-testid="notification-bell"
      >
        <Bell aria-hidden="true" className="size-4" />
        {unread > 0 && (
          <span
            aria-hidden="true"
            className="absolute -top-1.5 -right-1.5 min-w-4 rounded-full bg-red-600 px-1 text-center text-[0.65rem] leading-4 font-semibold text-white"
          >
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </RadixDialog.Trigger>
      <DialogContent title="Notifications" description={unread > 0 ? `${unread} unread` : "All read"}>
        {items.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing yet. Leak reports, canary keys and failing webhooks show up here.</p>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="Latest notifications">
            {items.map((n) => (
              <li key={n.id} className={cn("py-2 text-sm", n.read ? "text-slate-600" : "font-medium text-slate-900")}>
                {!n.read && <span className="sr-only">Unread: </span>}
                {n.sentence}
                <RelativeTime iso={n.createdAt} className="block text-xs font-normal text-slate-500" />
              </li>
            ))}
          </ul>
        )}
        <div className="mt-4 flex justify-end gap-2">
          {unread > 0 && (
            <Button variant="secondary" disabled={busy} onClick={markAll}>
              Mark all read
            </Button>
          )}
          <RadixDialog.Close asChild>
            <Button>Close</Button>
          </RadixDialog.Close>
        </div>
      </DialogContent>
    </RadixDialog.Root>
  );
}
