import type { Scope } from "@/lib/keys/universal";

export const SNIPPET_LANGUAGES = ["curl", "node", "python"] as const;
export type SnippetLanguage = (typeof SNIPPET_LANGUAGES)[number];
export const SNIPPET_LABELS: Record<SnippetLanguage, string> = { curl: "curl", node: "Node", python: "Python" };

const VERIFY_PATH = "/api/v1/keys/verify";

/** A request the key's first scope allows: its action (read for "*") on a resource its filter matches. */
export function sampleRequest(scopes: readonly Scope[]): { action: string; resource?: string } {
  const scope = scopes[0];
  if (!scope) return { action: "read" };
  const action = scope.action === "*" ? "read" : scope.action;
  if (!scope.resourceFilter) return { action };
  const resource = scope.resourceFilter
    .split("/")
    .map((segment) => (segment === "*" || segment === "**" ? "example" : segment))
    .join("/");
  return { action, resource };
}

/**
 * Copyable calls of this deployment's verify endpoint with the new secret, as the service that receives it
 * would make them. Secrets, actions and resource paths hold no quote or shell character (their formats
 * forbid them), so they are embedded as they are.
 */
export function verifySnippets(origin: string, secret: string, scopes: readonly Scope[]): Record<SnippetLanguage, string> {
  const url = `${origin}${VERIFY_PATH}`;
  const { action, resource } = sampleRequest(scopes);
  const body = { key: secret, action, ...(resource ? { resource } : {}) };
  const pyBody = Object.entries(body)
    .map(([k, v]) => `"${k}": "${v}"`)
    .join(", ");
  return {
    curl: [`curl -sS -X POST '${url}' \\`, `  -H 'content-type: application/json' \\`, `  -d '${JSON.stringify(body)}'`].join("\n"),
    node: [
      `// lib/client from the Keyward repository (no dependencies)`,
      `import { verifyKey } from "./keyward-client/index.js";`,
      ``,
      `const verdict = await verifyKey({`,
      `  url: "${url}",`,
      `  key: "${secret}",`,
      `  action: "${action}",`,
      ...(resource ? [`  resource: "${resource}",`] : []),
      `});`,
      `console.log(verdict.valid ? \`valid: \${verdict.name}\` : \`refused: \${verdict.code}\`);`,
    ].join("\n"),
    python: [
      `import requests`,
      ``,
      `verdict = requests.post(`,
      `    "${url}",`,
      `    json={${pyBody}},`,
      `    timeout=5,`,
      `).json()`,
      `print("valid: " + verdict["name"] if verdict["valid"] else "refused: " + verdict["code"])`,
    ].join("\n"),
  };
}
