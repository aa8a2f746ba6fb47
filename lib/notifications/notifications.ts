import type { Db } from "../db/client";

// The console's bell: each member's notifications in their active organization (lib/events/notify.ts says who
// gets which). Read state is per member.

export const NOTIFICATION_LIST_SIZE = 20;

export interface NotificationView {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  read: boolean;
}

export async function notificationsFor(db: Db, orgId: string, userId: string) {
  const [rows, unread] = await Promise.all([
    db.notification.findMany({ where: { orgId, userId }, orderBy: { createdAt: "desc" }, take: NOTIFICATION_LIST_SIZE }),
    db.notification.count({ where: { orgId, userId, readAt: null } }),
  ]);
  const items: NotificationView[] = rows.map((r) => {
    let payload: Record<string, unknown> = {};
    try {
      payload = JSON.parse(r.payload) as Record<string, unknown>;
    } catch {
      // Written by the dispatcher as JSON; an unreadable one shows without details.
    }
    return { id: r.id, type: r.type, payload, createdAt: r.createdAt, read: r.readAt !== null };
  });
  return { items, unread };
}

/** Marks the member's notifications read: the ones named, or all of them. Only ever their own. */
export async function markNotificationsRead(db: Db, by: { orgId: string; userId: string }, ids: string[] | "all", now = new Date()) {
  const { count } = await db.notification.updateMany({
    where: { orgId: by.orgId, userId: by.userId, readAt: null, ...(ids === "all" ? {} : { id: { in: ids } }) },
    data: { readAt: now },
  });
  return { marked: count };
}
