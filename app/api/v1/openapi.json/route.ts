import { openApiDocument } from "@/lib/api/openapi";

// Public like any API description: it documents the endpoints, it holds no organization's data.
export function GET() {
  return Response.json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } });
}
