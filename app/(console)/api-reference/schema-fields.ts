// Flattens a request schema of the generated OpenAPI document into rows for the reference page.

type JsonSchema = Record<string, unknown>;

export interface SchemaField {
  name: string;
  type: string;
  required: boolean;
  /** Sentences: what the field means, then its constraints. */
  notes: string[];
}

function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as JsonSchema[]).map(typeOf).join(" | ");
  if (schema.type === "array") return `${typeOf((schema.items as JsonSchema) ?? {})}[]`;
  if (typeof schema.type === "string") return schema.type;
  return "any";
}

function notesOf(schema: JsonSchema): string[] {
  const notes: string[] = [];
  if (Array.isArray(schema.enum)) notes.push(`one of ${(schema.enum as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`);
  if (schema.default !== undefined) notes.push(`default ${JSON.stringify(schema.default)}`);
  if (schema.minLength === 1) notes.push("not empty");
  else if (typeof schema.minLength === "number" && schema.minLength > 1) notes.push(`at least ${schema.minLength} characters`);
  if (typeof schema.maxLength === "number") notes.push(`at most ${schema.maxLength} characters`);
  if (typeof schema.minItems === "number" && schema.minItems > 0)
    notes.push(`at least ${schema.minItems} item${schema.minItems === 1 ? "" : "s"}`);
  if (typeof schema.maxItems === "number") notes.push(`at most ${schema.maxItems} items`);
  if (typeof schema.minimum === "number") notes.push(`≥ ${schema.minimum}`);
  if (typeof schema.maximum === "number") notes.push(`≤ ${schema.maximum}`);
  // A described field explains its format better than its regular expression.
  if (typeof schema.pattern === "string" && typeof schema.description !== "string") notes.push(`matches ${schema.pattern}`);
  const constraints = notes.join("; ");
  const sentences = typeof schema.description === "string" ? [schema.description] : [];
  if (constraints) sentences.push(constraints[0].toUpperCase() + constraints.slice(1));
  return sentences;
}

/** Every field, nested ones with dotted names (scopes[].action), depth-first in declaration order. */
export function schemaFields(schema: JsonSchema | undefined, prefix = "", parentRequired = true): SchemaField[] {
  // A body that is itself an array (GitHub's batch of matches): its items' fields, as [].field.
  if (schema?.type === "array" && (schema.items as JsonSchema | undefined)?.type === "object") {
    return schemaFields(schema.items as JsonSchema, `${prefix}[].`, parentRequired);
  }
  if (!schema || typeof schema.properties !== "object") return [];
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const rows: SchemaField[] = [];
  for (const [name, property] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
    const fullName = `${prefix}${name}`;
    const isRequired = parentRequired && required.has(name);
    rows.push({ name: fullName, type: typeOf(property), required: isRequired, notes: notesOf(property) });
    if (property.type === "object") rows.push(...schemaFields(property, `${fullName}.`, isRequired));
    if (property.type === "array" && (property.items as JsonSchema | undefined)?.type === "object") {
      rows.push(...schemaFields(property.items as JsonSchema, `${fullName}[].`, isRequired));
    }
  }
  return rows;
}
