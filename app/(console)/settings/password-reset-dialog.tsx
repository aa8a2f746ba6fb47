"use client";
import { useState } from "react";
import { LocalTime, RelativeTime } from "@/components/charts/local-time";
import { useStepUp } from "@/components/step-up/step-up-provider";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { issuePasswordResetAction } from "@/lib/actions/members/issue-password-reset";

/**
 * An admin issues a one-hour, single-use password reset link for a member. The link is shown once, in this
 * dialog (built in the browser from the token; the server keeps only its hash), for the admin to pass on.
 */
export function PasswordResetButton({ memberId, email }: { memberId: string; email: string }) {
  const withStepUp = useStepUp();
  const [open, setOpen] = useState(false);
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [copied, setCopied] = useState(false);

  const close = () => {
    setOpen(false);
    setLink(null);
    setError(null);
    setCopied(false);
  };

  const issue = async () => {
    setError(null);
    setPending(true);
    const result = await withStepUp(() => issuePasswordResetAction({ memberId }));
    setPending(false);
    if (!result.ok) return setError(result.error);
    setLink({ url: `${window.location.origin}/reset-password/${result.data.token}`, expiresAt: result.data.expiresAt });
  };

  const copy = async () => {
    if (!link) return;
    await navigator.clipboard?.writeText(link.url).catch(() => {});
    setCopied(true);
  };

  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Reset password…<span className="sr-only"> of {email}</span>
      </Button>
      <Dialog open={open} onOpenChange={(next) => !next && close()}>
        <DialogContent
          title={link ? `Password reset link for ${email}` : `Reset the password of ${email}?`}
          dismissible={!link}
          description={
            link
              ? "Shown only now — copy it and pass it on to them privately. It works once; setting a new password signs them out everywhere."
              : "You get a link, valid for one hour, that lets them set a new password. An earlier link stops working. Their current password keeps working until they use it."
          }
        >
          {link ? (
            <div className="space-y-3 text-sm">
              <div className="flex gap-2">
                <label htmlFor="reset-link" className="sr-only">
                  Password reset link
                </label>
                <input
                  id="reset-link"
                  readOnly
                  value={link.url}
                  data-testid="reset-link"
                  onFocus={(e) => e.currentTarget.select()}
                  className={inputClass(false, "font-mono text-xs")}
                />
                <Button variant="secondary" onClick={copy}>
                  {copied ? "Copied" : "Copy"}
                </Button>
              </div>
              <p className="text-slate-600">
                Expires <RelativeTime iso={link.expiresAt} /> (<LocalTime iso={link.expiresAt} />
                ).
              </p>
              <div className="flex justify-end">
                <Button onClick={close}>Done</Button>
              </div>
            </div>
          ) : (
            <div className="space-y-4">
              <FormAlert message={error} />
              <div className="flex justify-end gap-2">
                <Button variant="secondary" onClick={close}>
                  Cancel
                </Button>
                <Button onClick={issue} disabled={pending}>
                  {pending ? "Creating…" : "Create reset link"}
                </Button>
              </div>
            </div>
          )}
        </DialogContent>
      </Dialog>
    </>
  );
}
