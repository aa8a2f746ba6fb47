import { z } from "zod";
import { text } from "./text";

export const SESSION_ID_PATTERN = /^ses_[A-Za-z0-9]{20}$/;

export const endSessionSchema = z.object({
  sessionId: text({ error: "A session id is required" }).regex(SESSION_ID_PATTERN, "That is not a valid session id"),
});

/** "Sign out everywhere else" takes no input. */
export const endOtherSessionsSchema = z.object({});
