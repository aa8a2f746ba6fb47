import { z } from "zod";
import { text } from "./text";

export const HONEYTOKEN_NAME_MAX = 100;

/** A canary's name says where it is planted ("CI config in the old monorepo"): what an alert will point to. */
export const plantHoneytokenSchema = z.object({
  name: text({ error: "Say where the canary will be planted" })
    .trim()
    .min(1, "Say where the canary will be planted")
    .max(HONEYTOKEN_NAME_MAX, `At most ${HONEYTOKEN_NAME_MAX} characters`),
});
export type PlantHoneytokenInput = z.infer<typeof plantHoneytokenSchema>;

export const removeHoneytokenSchema = z.object({
  honeytokenId: text({ error: "Choose a canary" }).regex(/^hny_[A-Za-z0-9]{20}$/, "Choose a canary"),
});
export type RemoveHoneytokenInput = z.infer<typeof removeHoneytokenSchema>;
