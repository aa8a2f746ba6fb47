"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { LocalTime } from "@/components/charts/local-time";
import { useStepUp } from "@/components/step-up/step-up-provider";
import { AcknowledgeDone } from "@/components/ui/acknowledge-done";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { plantHoneytokenAction } from "@/lib/actions/honeytokens/plant-honeytoken";
import { removeHoneytokenAction } from "@/lib/actions/honeytokens/remove-honeytoken";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import type { HoneytokenView } from "@/lib/honeytokens/honeytokens";
import { HONEYTOKEN_NAME_MAX, plantHoneytokenSchema, type PlantHoneytokenInput } from "@/lib/validations/honeytoken";

function focusHeading() {
  document.getElementById("canaries-heading")?.focus();
}

/** Plant a canary: name it after where it will lie, then copy its secret, shown once like a key's. */
export function PlantCanaryButton() {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [acknowledged, setAcknowledged] = useState(false);
  const [copied, setCopied] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<PlantHoneytokenInput>({ resolver: zodResolver(plantHoneytokenSchema), defaultValues: { name: "" } });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    const result = await plantHoneytokenAction(values);
    if (result.ok) {
      setSecret({ name: result.data.honeytoken.name, secret: result.data.secret });
      return;
    }
    setFormError(applyActionErrors(result, form.setError));
    if (result.fieldErrors?.name) form.setFocus("name");
  });

  const done = () => {
    setSecret(null);
    setOpen(false);
    router.refresh();
  };

  const copy = async () => {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret.secret);
      setCopied(true);
    } catch {
      toast.error("Copying was blocked by the browser; select the secret and copy it by hand.");
    }
  };

  return (
    <>
      <Button
        onClick={() => {
          form.reset({ name: "" });
          setFormError(null);
          setAcknowledged(false);
          setCopied(false);
          setOpen(true);
        }}
      >
        Plant a canary
      </Button>
      <Dialog open={open} onOpenChange={(next) => (secret ? undefined : setOpen(next))}>
        <DialogContent
          title={secret ? "Your canary's secret" : "Plant a canary"}
          dismissible={!secret}
          onCloseAutoFocus={(event) => {
            event.preventDefault();
            focusHeading();
          }}
          description={
            secret ? (
              <>
                Copy the secret for <strong className="font-semibold text-slate-900">{secret.name}</strong> now and plant it. You won&apos;t
                be able to see it again.
              </>
            ) : (
              "A secret that looks exactly like a live key's but never works. Leave it where an intruder would look (a CI config, an old repository, a wiki page): any use of it raises an alert with the caller's address."
            )
          }
        >
          {secret ? (
            <div className="space-y-4">
              <div className="flex flex-col gap-2 sm:flex-row sm:items-stretch">
                <code
                  data-testid="one-time-secret"
                  aria-label="Secret"
                  className="block flex-1 rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm break-all text-slate-900 select-all"
                >
                  {secret.secret}
                </code>
                <Button variant="secondary" onClick={copy} aria-live="polite" className="sm:w-28">
                  {copied ? "Copied" : "Copy"}
                </Button>
              </div>
              <AcknowledgeDone
                label="I have copied this secret"
                acknowledged={acknowledged}
                onAcknowledgedChange={setAcknowledged}
                onDone={done}
              />
            </div>
          ) : (
            <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
              <FormAlert message={formError} />
              <Field
                id="canary-name"
                label="Where will it be planted?"
                hint="Its name in alerts, e.g. “.env in the legacy-billing repo”."
                error={errors.name?.message}
              >
                <input
                  id="canary-name"
                  type="text"
                  autoComplete="off"
                  maxLength={HONEYTOKEN_NAME_MAX}
                  className={inputClass(!!errors.name)}
                  aria-invalid={!!errors.name}
                  aria-describedby={describedBy("canary-name", errors.name?.message, true)}
                  {...form.register("name")}
                />
              </Field>
              <div className="flex justify-end gap-2">
                <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
                  Cancel
                </Button>
                <Button type="submit" disabled={isSubmitting}>
                  Plant canary
                </Button>
              </div>
            </form>
          )}
        </DialogContent>
      </Dialog>
    </>
  );
}

export function RemoveCanaryButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const withStepUp = useStepUp();
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const remove = async () => {
    setPending(true);
    setError(null);
    const result = await withStepUp(() => removeHoneytokenAction({ honeytokenId: id }));
    setPending(false);
    if (!result.ok) return setError(result.error);
    toast.success(`Canary “${name}” removed`);
    setOpen(false);
    router.refresh();
  };

  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)} className="px-2 py-1 text-xs">
        Remove<span className="sr-only"> canary {name}</span>
      </Button>
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogContent
          title="Remove this canary?"
          onCloseAutoFocus={(event) => {
            event.preventDefault();
            focusHeading();
          }}
          description={
            <>
              Presenting <strong>{name}</strong>&rsquo;s secret will no longer raise an alert. Take it out of where you planted it too.
            </>
          }
        >
          <div className="space-y-4">
            <FormAlert message={error} />
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button variant="danger" onClick={remove} disabled={pending}>
                Remove canary
              </Button>
            </div>
          </div>
        </DialogContent>
      </Dialog>
    </>
  );
}

export function CanaryList({ canaries, canRemove }: { canaries: HoneytokenView[]; canRemove: boolean }) {
  if (canaries.length === 0) return <p className="text-sm text-slate-600">No canaries yet. Plant one where a leak would show up first.</p>;
  return (
    <ul className="divide-y divide-slate-100" data-testid="canaries">
      {canaries.map((canary) => (
        <li key={canary.id} className="flex flex-wrap items-start justify-between gap-3 py-3" data-testid="canary">
          <div className="min-w-0 flex-1">
            <p className="flex flex-wrap items-baseline gap-x-2">
              <span className="font-medium break-words text-slate-900">{canary.name}</span>
              <span className="font-mono text-xs text-slate-500">{canary.display}</span>
              {canary.triggerCount > 0 ? (
                <Badge tone="red">Triggered{canary.triggerCount > 1 ? ` ${canary.triggerCount} times` : ""}</Badge>
              ) : (
                <Badge>Not triggered</Badge>
              )}
            </p>
            <p className="mt-1 text-xs text-slate-500">
              Planted <LocalTime iso={canary.createdAt} /> by {canary.createdByLabel || "unknown"}
            </p>
            {canary.lastTriggeredAt && (
              <p className="mt-1 text-sm break-words text-red-800">
                Last presented <LocalTime iso={canary.lastTriggeredAt} seconds /> from{" "}
                <span className="font-mono">{canary.lastTriggeredIp ?? "unknown address"}</span>
                {canary.lastTriggeredUserAgent && <> ({canary.lastTriggeredUserAgent})</>}
                {canary.lastTriggeredResource && (
                  <>
                    {" "}
                    for <span className="font-mono">{canary.lastTriggeredResource}</span>
                  </>
                )}
              </p>
            )}
          </div>
          {canRemove && <RemoveCanaryButton id={canary.id} name={canary.name} />}
        </li>
      ))}
    </ul>
  );
}
