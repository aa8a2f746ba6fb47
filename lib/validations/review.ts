import { z } from "zod";
import { BULK_REVOKE_MAX, keyIdSchema } from "./key";
import { text } from "./text";

/** Generous for a pasted log excerpt or chat thread, small enough to scan in one request. */
export const LEAK_TEXT_MAX = 100_000;

export const scanLeakedTextSchema = z.object({
  text: text({ error: "Paste the text that may contain a secret" })
    .min(1, { error: "Paste the text that may contain a secret", abort: true })
    .max(LEAK_TEXT_MAX, `Paste at most ${LEAK_TEXT_MAX.toLocaleString("en-US")} characters at a time`),
});
export type ScanLeakedTextInput = z.input<typeof scanLeakedTextSchema>;

export const revokeLeakedKeysSchema = z.object({
  keyIds: z.array(keyIdSchema).min(1, "No key to revoke").max(BULK_REVOKE_MAX),
});

export const revokeRiskyKeySchema = z.object({ keyId: keyIdSchema });
