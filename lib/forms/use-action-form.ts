"use client";
import { useState } from "react";
import { useForm, type DefaultValues, type FieldValues, type Resolver } from "react-hook-form";
import type { ActionResult } from "../actions/errors";
import { applyActionErrors } from "./use-server-errors";

interface ActionFormOptions<Values extends FieldValues, Input, Data> {
  resolver: Resolver<Values, unknown, Input>;
  defaultValues: DefaultValues<Values>;
  action: (input: Input) => Promise<ActionResult<Data>>;
  onSuccess: (data: Data) => void;
}

/**
 * The submit handling the signed-out forms (setup, sign-in, invite) share: validate with the shared schema,
 * call the action, then either go on or put its errors on their fields and the rest above the form.
 */
export function useActionForm<Values extends FieldValues, Input, Data>({
  resolver,
  defaultValues,
  action,
  onSuccess,
}: ActionFormOptions<Values, Input, Data>) {
  const [formError, setFormError] = useState<string | null>(null);
  // Errors show once a field is left; after that (and after a submit) they follow every change.
  const form = useForm<Values, unknown, Input>({ resolver, mode: "onTouched", reValidateMode: "onChange", defaultValues });
  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    const result = await action(values);
    if (result.ok) onSuccess(result.data);
    else setFormError(applyActionErrors(result, form.setError));
  });
  return { form, formError, onSubmit };
}
