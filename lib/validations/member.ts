import { z } from "zod";
import { ROLES } from "../auth/permissions";
import { emailSchema, PASSWORD_MAX } from "./auth";
import { text } from "./text";

export const INVITE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const ID_PATTERN = (prefix: string) => new RegExp(`^${prefix}_[A-Za-z0-9]{20}$`);

export const roleSchema = z.enum(ROLES, { error: "Choose a role" });

export const inviteMemberSchema = z.object({ email: emailSchema, role: roleSchema });
export type InviteMemberInput = z.infer<typeof inviteMemberSchema>;
export type InviteMemberFormValues = z.input<typeof inviteMemberSchema>;

const memberIdSchema = text({ error: "A member id is required" }).regex(ID_PATTERN("mem"), "That is not a valid member id");

export const changeMemberRoleSchema = z.object({ memberId: memberIdSchema, role: roleSchema });
export type ChangeMemberRoleInput = z.infer<typeof changeMemberRoleSchema>;

export const removeMemberSchema = z.object({ memberId: memberIdSchema });

export const revokeInviteSchema = z.object({
  inviteId: text({ error: "An invite id is required" }).regex(ID_PATTERN("inv"), "That is not a valid invite id"),
});

export const inviteTokenSchema = text().regex(INVITE_TOKEN_PATTERN, "This invite link is not valid");

/** The password is a new one for a new account (the length rule is checked then) or the existing one. */
export const acceptInviteSchema = z.object({
  token: inviteTokenSchema,
  password: text(undefined, { mayHoldSecret: true }).min(1, "Enter a password").max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters`),
});
export type AcceptInviteInput = z.infer<typeof acceptInviteSchema>;
