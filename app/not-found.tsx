import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-md p-10 text-center">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="mt-2 text-sm text-slate-600">Nothing here — or nothing your organization owns.</p>
      <Link href="/keys" className="mt-6 inline-block text-sm font-medium text-indigo-700 underline">
        Back to API keys
      </Link>
    </main>
  );
}
