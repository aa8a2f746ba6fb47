"use client";
import type { FieldErrors, UseFormRegister } from "react-hook-form";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { MAX_TAGS, META_MAX_BYTES, NO_SECRETS_HINT, OWNER_MAX, TAG_MAX } from "@/lib/validations/key";
import type { KeyFormValues } from "./key-form-values";

/** The first message of a field whose errors may sit on the field or on one of its items ("tags.2"). */
function messageOf(error: unknown): string | undefined {
  if (!error || typeof error !== "object") return undefined;
  const own = (error as { message?: unknown }).message;
  if (typeof own === "string") return own;
  for (const item of Object.values(error)) {
    const message = messageOf(item);
    if (message) return message;
  }
  return undefined;
}

/** Owner, tags and meta: returned to every service that verifies the key, so labels only, never secrets. */
export function OwnerMetaFields({
  register,
  errors,
  ownerRequired = false,
}: {
  register: UseFormRegister<KeyFormValues>;
  errors: FieldErrors<KeyFormValues>;
  /** The organization's key policy requires an owner. */
  ownerRequired?: boolean;
}) {
  const owner = errors.owner?.message;
  const tags = messageOf(errors.tags);
  const meta = errors.meta?.message;
  return (
    <fieldset className="space-y-4 rounded-md border border-slate-200 p-4">
      <legend className="px-1 text-sm font-medium text-slate-800">
        {ownerRequired ? "Owner (required) and metadata" : "Owner and metadata (optional)"}
      </legend>
      <p id="owner-meta-note" className="text-xs text-slate-600">
        {NO_SECRETS_HINT}
      </p>
      <Field id="owner" label="Owner" hint="Whom the key serves: a team, a customer or service id such as cus_4242." error={owner}>
        <input
          id="owner"
          maxLength={OWNER_MAX}
          autoComplete="off"
          className={inputClass(!!owner)}
          aria-invalid={!!owner}
          aria-describedby={describedBy("owner", owner, true)}
          {...register("owner")}
        />
      </Field>
      <Field
        id="tags"
        label="Tags"
        hint={`Up to ${MAX_TAGS}, separated by commas or spaces: lowercase letters, digits and - _ : . (at most ${TAG_MAX} characters each).`}
        error={tags}
      >
        <input
          id="tags"
          autoComplete="off"
          spellCheck={false}
          placeholder="billing, prod"
          className={inputClass(!!tags)}
          aria-invalid={!!tags}
          aria-describedby={describedBy("tags", tags, true)}
          {...register("tags")}
        />
      </Field>
      <Field
        id="meta"
        label="Meta (JSON object)"
        hint={`A JSON object of at most ${META_MAX_BYTES} bytes, e.g. {"plan": "pro"}.`}
        error={meta}
      >
        <textarea
          id="meta"
          rows={3}
          spellCheck={false}
          placeholder='{"plan": "pro"}'
          className={inputClass(!!meta, "font-mono")}
          aria-invalid={!!meta}
          aria-describedby={describedBy("meta", meta, true)}
          {...register("meta")}
        />
      </Field>
    </fieldset>
  );
}
