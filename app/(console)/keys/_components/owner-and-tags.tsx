import Link from "next/link";
import { cn } from "@/lib/cn";

/** A key's owner and its tags as chips; the owner and each chip link to the list filtered by it. Nothing when there are neither. */
export function OwnerAndTags({
  owner,
  tags,
  tagHref,
  ownerHref,
  className,
}: {
  owner: string | null;
  tags: string[];
  tagHref: (tag: string) => string;
  ownerHref?: (owner: string) => string;
  className?: string;
}) {
  if (!owner && tags.length === 0) return null;
  return (
    <div className={cn("flex flex-wrap items-center gap-1 text-xs", className)}>
      {owner && (
        <span className="max-w-48 truncate text-slate-600" title={owner}>
          Owner:{" "}
          {ownerHref ? (
            <Link href={ownerHref(owner)} className="font-medium text-slate-800 hover:underline" aria-label={`Show keys of owner ${owner}`}>
              {owner}
            </Link>
          ) : (
            <span className="font-medium text-slate-800">{owner}</span>
          )}
        </span>
      )}
      {tags.length > 0 && (
        <ul className="flex flex-wrap gap-1" aria-label="Tags">
          {tags.map((tag) => (
            <li key={tag}>
              <Link
                href={tagHref(tag)}
                className="inline-flex rounded-full bg-slate-100 px-2 py-0.5 font-mono text-slate-700 ring-1 ring-slate-500/20 ring-inset hover:bg-indigo-50 hover:text-indigo-800"
                aria-label={`Show keys tagged ${tag}`}
              >
                {tag}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
