import { z } from "zod";
import { orgNameSchema } from "./auth";

export const renameOrganizationSchema = z.object({ name: orgNameSchema });
export type RenameOrganizationInput = z.infer<typeof renameOrganizationSchema>;
