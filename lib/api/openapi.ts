import { z } from "zod";
import { API_ERROR_STATUS, type ApiErrorCode } from "./errors";
import { ENDPOINTS, isPerKey, type Endpoint } from "./endpoints";
import { errorResponseSchema } from "./schemas";
import {
  VERIFY_CURL,
  VERIFY_DESCRIPTION,
  VERIFY_ERRORS,
  VERIFY_PATH,
  verifyErrorSchema,
  verifyRequestSchema,
  verifyResponseSchema,
} from "./verify-document";
import {
  GITHUB_SCANNING_DESCRIPTION,
  GITHUB_SCANNING_ERRORS,
  GITHUB_SCANNING_PATH,
  githubBatchSchema,
  githubLabelSchema,
} from "../leaks/github-document";

// The OpenAPI 3.1 document, generated from the zod schemas the handlers parse with (ENDPOINTS), so the
// description and the behaviour cannot drift. JSON Schema 2020-12 is OpenAPI 3.1's schema dialect.

type JsonSchema = Record<string, unknown>;

export const ERROR_DESCRIPTIONS: Record<ApiErrorCode, string> = {
  UNAUTHORIZED: "Missing, invalid, revoked or expired API key",
  FORBIDDEN: "Insufficient scope (the message names the scope needed), or the key is not allowed from this IP",
  NOT_FOUND: "No key with this id in the API key's organization",
  METHOD_NOT_ALLOWED: "The path does not answer this method; Allow lists those it does",
  CONFLICT: "Key name taken, or the key is revoked",
  PAYLOAD_TOO_LARGE: "The body is over 4 MiB (counted as it arrives; the connection is closed)",
  UNSUPPORTED_MEDIA_TYPE: "A body without Content-Type: application/json (or text/plain where documented)",
  VALIDATION: "Invalid input; `details` maps each field to its message",
  RATE_LIMITED: "Too many requests for this API key; see Retry-After",
  INTERNAL: "Unexpected failure; nothing was changed",
  DATABASE_UNAVAILABLE: "The database could not be reached; nothing was changed. Retry after Retry-After seconds",
};

// Named schemas (.meta({ id })) land in components.schemas; zod emits them as local $defs, which in an
// OpenAPI document would resolve against the document root, so they are moved there and re-pointed.
type Components = Record<string, JsonSchema>;

function hoistDefs(value: unknown, components: Components): unknown {
  if (Array.isArray(value)) return value.map((item) => hoistDefs(item, components));
  if (typeof value !== "object" || value === null) return value;
  const out: JsonSchema = {};
  for (const [name, child] of Object.entries(value)) {
    if (name === "$defs") {
      for (const [id, def] of Object.entries(child as Components)) components[id] = hoistDefs(def, components) as JsonSchema;
    } else if (name === "$ref" && typeof child === "string") {
      out.$ref = child.replace(/^#\/\$defs\//, "#/components/schemas/");
    } else {
      out[name] = hoistDefs(child, components);
    }
  }
  return out;
}

function schemaOf(schema: z.ZodType, io: "input" | "output", components: Components): JsonSchema {
  // Refinements (CIDR syntax, resource filters, expiry dates) are not expressible in JSON Schema; they are
  // enforced by the same schema on the server and reported as VALIDATION details.
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  delete json.$schema;
  // A named schema at the top level comes back as its own definition: refer to it instead.
  const id = z.globalRegistry.get(schema)?.id;
  const hoisted = hoistDefs(json, components) as JsonSchema;
  if (id) {
    // When zod already emitted the schema under $defs (now hoisted), the top level is only a $ref to it:
    // storing that would make the component refer to itself.
    if (hoisted.$ref !== `#/components/schemas/${id}`) components[id] = hoisted;
    return { $ref: `#/components/schemas/${id}` };
  }
  return hoisted;
}

// What the shared schemas' refinements enforce but JSON Schema cannot express, said in words.
const FIELD_DESCRIPTIONS: Record<string, string> = {
  name: "Unique among the organization's keys that are not revoked",
  "expiry.preset": "`custom` takes the date from `customAt`",
  "expiry.customAt": "YYYY-MM-DD (00:00 UTC) or an ISO date-time with a time zone; in the future, at most 5 years ahead",
  "scopes[].resourceFilter": "A path where `*` matches one segment and `**` any depth, e.g. `projects/web/**`; empty for all resources",
  cidrs: "IPv4 and IPv6 CIDRs the key may be used from; empty allows any address",
  environment: "The secret's prefix: kw_live_… or kw_test_…",
  grace: "How long the old secret keeps working",
  reason: "Recorded in the audit log",
  dryRun: "Only report the keys that would be revoked",
};

function describeFields(schema: JsonSchema, prefix = ""): JsonSchema {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (!properties) return schema;
  const described: Record<string, JsonSchema> = {};
  for (const [name, property] of Object.entries(properties)) {
    const path = `${prefix}${name}`;
    let next = FIELD_DESCRIPTIONS[path] && !property.description ? { ...property, description: FIELD_DESCRIPTIONS[path] } : property;
    if (next.type === "object") next = describeFields(next, `${path}.`);
    if (next.type === "array" && (next.items as JsonSchema | undefined)?.type === "object") {
      next = { ...next, items: describeFields(next.items as JsonSchema, `${path}[].`) };
    }
    described[name] = next;
  }
  return { ...schema, properties: described };
}

function withoutKeyId(schema: JsonSchema): JsonSchema {
  const properties = { ...(schema.properties as JsonSchema) };
  delete properties.keyId;
  const required = ((schema.required as string[]) ?? []).filter((name) => name !== "keyId");
  return { ...schema, properties, ...(required.length ? { required } : { required: undefined }) };
}

function queryParameters(schema: z.ZodType, components: Components) {
  const json = schemaOf(schema, "input", components);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[]) ?? []);
  return Object.entries(properties).map(([name, property]) => ({ name, in: "query", required: required.has(name), schema: property }));
}

function errorCodesFor(endpoint: Endpoint): ApiErrorCode[] {
  const codes: ApiErrorCode[] = ["UNAUTHORIZED", "FORBIDDEN"];
  if (isPerKey(endpoint)) codes.push("NOT_FOUND");
  if (endpoint.method !== "GET" && endpoint.operationId !== "revokeLeakedKeys") codes.push("CONFLICT");
  if (endpoint.source !== "query") codes.push("PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE");
  codes.push("VALIDATION", "RATE_LIMITED", "INTERNAL", "DATABASE_UNAVAILABLE");
  return codes;
}

function operation(endpoint: Endpoint, components: Components) {
  const resource = isPerKey(endpoint) ? "keys/{id}" : endpoint.self ? "keys/{the calling key's id}" : "keys/**";
  const parameters = [
    ...(isPerKey(endpoint)
      ? [{ name: "id", in: "path", required: true, schema: { type: "string", pattern: "^key_[A-Za-z0-9]{20}$" } }]
      : []),
    ...(endpoint.source === "query" ? queryParameters(endpoint.input, components) : []),
  ];
  const body =
    endpoint.source === "query"
      ? undefined
      : describeFields(
          endpoint.source === "body+id"
            ? withoutKeyId(schemaOf(endpoint.input, "input", components))
            : schemaOf(endpoint.input, "input", components),
        );
  const responses: Record<string, unknown> = {
    [endpoint.status]: {
      description: "OK",
      content: { "application/json": { schema: schemaOf(endpoint.response, "output", components) } },
    },
  };
  for (const code of errorCodesFor(endpoint)) {
    responses[API_ERROR_STATUS[code]] = {
      description: `${code}: ${ERROR_DESCRIPTIONS[code]}`,
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    };
  }
  return {
    operationId: endpoint.operationId,
    summary: endpoint.summary,
    description: `${endpoint.description}\n\nRequires a scope granting **${endpoint.action}** on \`${resource}\`.`,
    tags: ["Keys"],
    "x-keyward-scope": { action: endpoint.action, resource },
    "x-keyward-cli": endpoint.cli,
    ...(parameters.length ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: endpoint.source === "body+id" || ((body.required as string[] | undefined)?.length ?? 0) > 0,
            content: {
              "application/json": { schema: body },
              ...(endpoint.acceptsText ? { "text/plain": { schema: { type: "string" } } } : {}),
            },
          },
        }
      : {}),
    responses,
  };
}

function verifyOperation(components: Components) {
  const responses: Record<string, unknown> = {
    200: {
      description: "Verified: valid, or denied with a code",
      content: { "application/json": { schema: schemaOf(verifyResponseSchema, "output", components) } },
    },
  };
  const error = { "application/json": { schema: schemaOf(verifyErrorSchema, "output", components) } };
  for (const [status, description] of Object.entries(VERIFY_ERRORS)) responses[status] = { description, content: error };
  return {
    operationId: "verifyKey",
    summary: "Verify a key",
    description: VERIFY_DESCRIPTION,
    tags: ["Verification"],
    // The secret in the body is the credential; a caller key is optional (needed only for "ip").
    security: [{}, { apiKey: [] }],
    "x-keyward-cli": VERIFY_CURL,
    requestBody: {
      required: true,
      content: { "application/json": { schema: describeFields(schemaOf(verifyRequestSchema, "input", components)) } },
    },
    responses,
  };
}

function githubScanningOperation(components: Components) {
  const error = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };
  const responses: Record<string, unknown> = {
    200: {
      description: "Each match labelled, in the order sent",
      content: { "application/json": { schema: schemaOf(z.array(githubLabelSchema), "output", components) } },
    },
  };
  for (const [status, description] of Object.entries(GITHUB_SCANNING_ERRORS)) responses[status] = { description, content: error };
  return {
    operationId: "reportGithubSecretScanning",
    summary: "Report secrets found by GitHub",
    description: GITHUB_SCANNING_DESCRIPTION,
    tags: ["Secret scanning"],
    "x-keyward-auth": "No API key: GitHub's signature of the body (the two headers below) is the credential.",
    // Checked by the handler against GitHub's published keys (not an HTTP auth scheme OpenAPI could name).
    security: [{}],
    parameters: [
      ["GitHub-Public-Key-Identifier", "Which of GitHub's published keys signed the body"],
      ["GitHub-Public-Key-Signature", "Base64 ECDSA signature of the raw body"],
    ].map(([name, description]) => ({ name, in: "header", required: true, description, schema: { type: "string", description } })),
    requestBody: {
      required: true,
      content: { "application/json": { schema: schemaOf(githubBatchSchema, "input", components) } },
    },
    responses,
  };
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Components = {};
  for (const endpoint of Object.values(ENDPOINTS) as Endpoint[]) {
    paths[endpoint.path] ??= {};
    paths[endpoint.path][endpoint.method.toLowerCase()] = operation(endpoint, components);
  }
  paths[VERIFY_PATH] = { post: verifyOperation(components) };
  paths[GITHUB_SCANNING_PATH] = { post: githubScanningOperation(components) };
  schemaOf(errorResponseSchema, "output", components);
  return {
    openapi: "3.1.0",
    info: {
      title: "Keyward management API",
      version: "1.0.0",
      description:
        'Manage an organization\'s API keys with one of its own keys: `Authorization: Bearer <secret>`. The key\'s scopes decide what it may do: read on keys/** to list, show and read usage; write to create, update and rotate; admin to revoke. Errors are `{ "error": { "code", "message", "details"? } }`.',
    },
    servers: [{ url: "/" }],
    security: [{ apiKey: [] }],
    tags: [
      { name: "Keys", description: "Manage the organization's keys with one of its own keys" },
      { name: "Verification", description: "Check a secret your service received, as every request to it arrives" },
      { name: "Secret scanning", description: "Leaked secrets reported by GitHub's secret scanning partner program" },
    ],
    paths,
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "A Keyward API key secret, e.g. kw_live_…" } },
      schemas: components,
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
