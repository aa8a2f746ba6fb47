import { z } from "zod";
import { text } from "./text";

export const markNotificationsReadSchema = z.object({
  ids: z.array(text().regex(/^ntf_[A-Za-z0-9]{20}$/, "Not a notification")).max(100),
  all: z.boolean(),
});

/** The account page's "Email me alerts". */
export const emailAlertsSchema = z.object({ enabled: z.boolean() });
