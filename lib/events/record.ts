import type { Db } from "../db/client";
import { newId } from "../ids";
import type { EventInput } from "./types";

type OutboxWriter = Pick<Db, "outboxEvent">;

/**
 * Adds an event to the outbox. Call it with the transaction client of the change it reports, so the event commits
 * and rolls back with that change. Returns the event id ("evt_…"), which every channel passes on as its
 * idempotency key.
 */
export async function recordEvent(db: OutboxWriter, event: EventInput): Promise<string> {
  const id = newId("evt");
  await db.outboxEvent.create({
    data: {
      id,
      orgId: event.orgId,
      type: event.type,
      payload: JSON.stringify(event.payload),
      createdAt: event.at ?? new Date(),
    },
  });
  return id;
}
