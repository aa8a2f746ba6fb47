"use client";
import { ShieldAlert } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { LeakScanForm } from "./_components/leak-scan-form";

/**
 * The Review page's leak scan, opened from the keys page: a team lead with a leaked log or chat export in hand
 * need not know that the tool lives under Review.
 */
export function RevokeLeakedButton() {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        <ShieldAlert aria-hidden="true" className="size-4" />
        Revoke leaked key
      </Button>
      <DialogContent
        title="Revoke a leaked key"
        description="Paste any text — a log, a chat export, a config file: every Keyward secret in it is recognised by its format and checksum and matched to its key."
        className="max-w-xl"
      >
        <LeakScanForm canRevoke />
      </DialogContent>
    </Dialog>
  );
}
