import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { Card } from "@/components/ui/card";
import { API_ERROR_STATUS, API_ERROR_CODES } from "@/lib/api/errors";
import { ERROR_DESCRIPTIONS, openApiDocument } from "@/lib/api/openapi";
import { requirePageContext } from "@/lib/auth/current";
import { cn } from "@/lib/cn";
import { schemaFields, type SchemaField } from "./schema-fields";

export const metadata: Metadata = { title: "API reference" };

type Operation = {
  operationId: string;
  summary: string;
  description: string;
  "x-keyward-scope"?: { action: string; resource: string };
  "x-keyward-cli"?: string;
  /** Who calls it and how it is authenticated, where that is not an API key's scope. */
  "x-keyward-auth"?: string;
  parameters?: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { description: string }>;
};

const METHOD_STYLES: Record<string, string> = {
  get: "bg-sky-50 text-sky-800 ring-sky-200",
  post: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  patch: "bg-amber-50 text-amber-800 ring-amber-200",
};

/** Text with `code` spans, as the OpenAPI descriptions are written. */
function Prose({ text }: { text: string }) {
  return (
    <>
      {text.split(/(`[^`]+`)/).map((part, i) =>
        part.startsWith("`") && part.endsWith("`") ? (
          <code key={i} className="font-mono text-xs">
            {part.slice(1, -1)}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}

function FieldTable({ caption, rows }: { caption: string; rows: SchemaField[] }) {
  if (rows.length === 0) return null;
  return (
    <div className="mt-4 overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="mb-1 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">{caption}</caption>
        <thead className="border-b border-slate-200 text-xs text-slate-500">
          <tr>
            <th className="py-1.5 pr-3 font-medium">Field</th>
            <th className="py-1.5 pr-3 font-medium">Type</th>
            <th className="py-1.5 font-medium">Notes</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.name} className="align-top">
              <td className="py-1.5 pr-3 font-mono text-xs sm:whitespace-nowrap">
                {/* Long nested names may wrap after a dot, never inside a word. */}
                {row.name.split(/(?<=\.)/).map((part, i) => (
                  <span key={i}>
                    {i > 0 && <wbr />}
                    {part}
                  </span>
                ))}
                {row.required && (
                  <span className="ml-1 text-red-700" title="required">
                    *
                  </span>
                )}
              </td>
              <td className="py-1.5 pr-3 font-mono text-xs text-slate-600">{row.type}</td>
              <td className="py-1.5 text-slate-600">
                <Prose text={row.notes.join(". ")} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EndpointCard({ method, path, op }: { method: string; path: string; op: Operation }) {
  const params = (op.parameters ?? []).map((p) => ({
    name: p.in === "path" ? `${p.name} (path)` : p.name,
    type: String(p.schema.type ?? "string"),
    required: p.required,
    notes: schemaFields({ properties: { x: p.schema } })[0]?.notes ?? [],
  }));
  const body = op.requestBody?.content["application/json"]?.schema;
  const textBody = op.requestBody?.content["text/plain"] !== undefined;
  const scope = op["x-keyward-scope"];
  return (
    <Card className="min-w-0 p-5">
      <h3 id={op.operationId} className="flex flex-wrap items-center gap-2 text-base font-semibold">
        <span className={cn("rounded px-2 py-0.5 font-mono text-xs font-semibold uppercase ring-1", METHOD_STYLES[method])}>{method}</span>
        <code className="font-mono text-sm break-all">{path}</code>
      </h3>
      <p className="mt-2 font-medium">{op.summary}</p>
      <p className="mt-1 text-sm text-slate-600">
        <Prose text={op.description.split("\n\n")[0]} />
      </p>
      <p className="mt-2 text-sm">
        {op["x-keyward-auth"] ? (
          <Prose text={op["x-keyward-auth"]} />
        ) : scope ? (
          <>
            Scope: <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs">{scope.action}</code> on{" "}
            <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs">{scope.resource}</code>
          </>
        ) : (
          "No scope needed: the secret in the body is the credential."
        )}
      </p>
      <FieldTable caption="Parameters" rows={params} />
      <FieldTable caption={textBody ? "JSON body (or the text itself as text/plain)" : "JSON body"} rows={schemaFields(body)} />
      <p className="mt-4 text-xs font-semibold tracking-wide text-slate-500 uppercase">Responses</p>
      <dl className="mt-1 space-y-1 text-sm text-slate-600">
        {Object.entries(op.responses).map(([status, response]) => (
          <div key={status} className="flex gap-3">
            <dt className="w-9 shrink-0 font-mono text-xs leading-5">{status}</dt>
            <dd className="min-w-0">
              <Prose text={response.description} />
            </dd>
          </div>
        ))}
      </dl>
      {/* Focusable: a long command scrolls sideways, and keyboard users must be able to scroll it too. */}
      {op["x-keyward-cli"] && (
        <pre tabIndex={0} className="mt-4 overflow-x-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100">
          <code>{op["x-keyward-cli"]}</code>
        </pre>
      )}
    </Card>
  );
}

export default async function ApiReferencePage() {
  await requirePageContext("keys:read");
  const doc = openApiDocument();
  const endpoints = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, Operation>).map(([method, op]) => ({ path, method, op })),
  );
  return (
    <>
      <PageHeader
        title="API reference"
        description={
          <>
            Manage keys from scripts and CI with one of your organization&apos;s API keys. Generated from the schemas the server validates
            with; the machine-readable document is at{" "}
            <a className="font-mono text-indigo-700 underline" href="/api/v1/openapi.json">
              /api/v1/openapi.json
            </a>{" "}
            (OpenAPI 3.1).
          </>
        }
      />
      <div className="grid min-w-0 grid-cols-1 gap-6">
        <Card className="min-w-0 p-5">
          <h2 className="text-base font-semibold">Authentication and scopes</h2>
          <pre tabIndex={0} className="mt-3 overflow-x-auto rounded-md bg-slate-100 px-3 py-2 font-mono text-xs">
            Authorization: Bearer kw_live_…
          </pre>
          <ul className="mt-3 space-y-1 text-sm text-slate-700">
            <li>
              <code className="font-mono text-xs">read</code> on <code className="font-mono text-xs">keys/**</code>: list, show, usage
            </li>
            <li>
              <code className="font-mono text-xs">write</code>: create, update, rotate (and everything read allows)
            </li>
            <li>
              <code className="font-mono text-xs">admin</code>: revoke, revoke leaked keys (and everything write allows)
            </li>
          </ul>
          <p className="mt-3 text-sm text-slate-600">
            A scope on one key (<code className="font-mono text-xs">admin:keys/key_…</code>) allows that key only. Changes made with an API
            key appear in the audit log with the key as the actor.
          </p>
        </Card>
        <Card className="min-w-0 p-5">
          <h2 className="text-base font-semibold">Errors</h2>
          <p className="mt-1 text-sm text-slate-600">
            Always <code className="font-mono text-xs">{'{ "error": { "code", "message", "details"? } }'}</code>.
          </p>
          <div className="mt-3 overflow-x-auto">
            <table className="w-full text-left text-sm">
              <tbody className="divide-y divide-slate-100">
                {API_ERROR_CODES.map((code) => (
                  <tr key={code}>
                    <td className="py-1.5 pr-3 font-mono text-xs">{API_ERROR_STATUS[code]}</td>
                    <td className="py-1.5 pr-3 font-mono text-xs">{code}</td>
                    <td className="py-1.5 text-slate-600">
                      <Prose text={ERROR_DESCRIPTIONS[code]} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
        <nav aria-label="Endpoints" className="flex flex-wrap gap-2 text-sm">
          {endpoints.map(({ method, path, op }) => (
            <a
              key={op.operationId}
              href={`#${op.operationId}`}
              className="rounded-md border border-slate-200 bg-white px-2.5 py-1 hover:bg-slate-50"
            >
              <span className="font-mono text-xs uppercase text-slate-500">{method}</span> {op.summary}
              <span className="sr-only"> ({path})</span>
            </a>
          ))}
        </nav>
        {endpoints.map(({ method, path, op }) => (
          <EndpointCard key={op.operationId} method={method} path={path} op={op} />
        ))}
      </div>
    </>
  );
}
