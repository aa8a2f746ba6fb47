// GitHub's secret-scanning partner contract, as the route parses it and as the OpenAPI document describes it.
import { z } from "zod";

export const GITHUB_SCANNING_PATH = "/api/v1/secret-scanning/github";

// GitHub's partner-program payload: a JSON array of matches. Fields GitHub may add later are ignored; one odd
// field never costs the batch (the body's size bounds them; what is stored is cut to size).
export const githubMatchSchema = z.object({
  token: z.string().meta({ description: "The string GitHub found (a Keyward secret, if it is one)" }),
  type: z.string().meta({ description: "The token type GitHub matched" }),
  url: z.string().meta({ description: "Where it was found (a public commit, issue, gist…)" }),
  source: z.string().optional().meta({ description: "What kind of place it was found in" }),
});
export const githubBatchSchema = z.array(githubMatchSchema).min(1);

export const githubLabelSchema = z.object({
  token_hash: z.string().meta({ description: "SHA-256 of the reported token, hex" }),
  token_type: z.string(),
  label: z.enum(["true_positive", "false_positive"]).meta({
    description: "true_positive: a secret of a live key, now revoked (or reported, per the organization's leak policy)",
  }),
});
export type GithubLabel = z.infer<typeof githubLabelSchema>;

export const GITHUB_SCANNING_DESCRIPTION =
  "Called by GitHub's secret scanning partner program, not by your services: a batch of strings that look like Keyward secrets, found in public places. The request must carry GitHub's signature (`GitHub-Public-Key-Identifier`, `GitHub-Public-Key-Signature`, ECDSA over the raw body, checked against GitHub's published keys). Each match that is a live key's secret is contained per its organization's leak policy (revoked by default) and audited; the answer labels each match, and never says which organization a key belongs to.";

export const GITHUB_SCANNING_ERRORS: Record<number, string> = {
  400: "VALIDATION: not a JSON array of matches",
  401: "SIGNATURE_REQUIRED or SIGNATURE_INVALID: the request is not GitHub's",
  413: "PAYLOAD_TOO_LARGE: the body is over the limit (counted as it arrives)",
  503: "DATABASE_UNAVAILABLE: nothing was changed; GitHub sends the batch again",
};
