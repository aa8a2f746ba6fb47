"use client";
import * as Tabs from "@radix-ui/react-tabs";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import type { Scope } from "@/lib/keys/universal";
import { SNIPPET_LABELS, SNIPPET_LANGUAGES, verifySnippets, type SnippetLanguage } from "./verify-snippets";

/** Copyable calls of this deployment's verify endpoint with the new secret: curl, Node (lib/client), Python. */
export function VerifySnippetTabs({ secret, scopes }: { secret: string; scopes: Scope[] }) {
  const snippets = verifySnippets(window.location.origin, secret, scopes);
  const [copied, setCopied] = useState<SnippetLanguage | null>(null);
  const [copyError, setCopyError] = useState(false);

  const copy = async (language: SnippetLanguage) => {
    try {
      await navigator.clipboard.writeText(snippets[language]);
      setCopied(language);
      setCopyError(false);
    } catch {
      setCopyError(true);
    }
  };

  return (
    <section aria-labelledby="verify-snippets-heading">
      <h3 id="verify-snippets-heading" className="text-sm font-medium text-slate-800">
        Check it from your service
      </h3>
      <p className="text-xs text-slate-600">Your service sends each key it receives to this endpoint before it acts.</p>
      <Tabs.Root defaultValue="curl" className="mt-2">
        <Tabs.List aria-label="Snippet language" className="inline-flex rounded-md bg-slate-100 p-0.5">
          {SNIPPET_LANGUAGES.map((language) => (
            <Tabs.Trigger
              key={language}
              value={language}
              className="rounded px-3 py-1 text-sm font-medium text-slate-700 focus-visible:outline-2 focus-visible:outline-indigo-600 data-[state=active]:bg-white data-[state=active]:text-slate-900 data-[state=active]:shadow-sm"
            >
              {SNIPPET_LABELS[language]}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        {SNIPPET_LANGUAGES.map((language) => (
          <Tabs.Content key={language} value={language} className="mt-2 focus:outline-none">
            {/* Focusable: a long line scrolls sideways, and keyboard users must be able to scroll it. */}
            <pre
              tabIndex={0}
              aria-label={`${SNIPPET_LABELS[language]} snippet`}
              data-testid={`snippet-${language}`}
              className="max-h-64 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed whitespace-pre text-slate-100"
            >
              <code>{snippets[language]}</code>
            </pre>
            <div className="mt-2 flex items-center gap-3">
              <Button variant="secondary" onClick={() => copy(language)}>
                {copied === language ? "Copied" : "Copy"}
                <span className="sr-only"> {SNIPPET_LABELS[language]} snippet</span>
              </Button>
              {copyError && (
                <p role="alert" className="text-sm text-red-700">
                  Copying was blocked by the browser; select the snippet and copy it by hand.
                </p>
              )}
            </div>
          </Tabs.Content>
        ))}
      </Tabs.Root>
    </section>
  );
}
