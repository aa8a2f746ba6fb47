import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="mx-auto max-w-md p-10 text-center">
      <h1 className="text-xl font-semibold">You don’t have access to this page</h1>
      <p className="mt-2 text-sm text-slate-600">Your role in this organization does not include it. Ask an admin if you need it.</p>
      <Link href="/keys" className="mt-6 inline-block text-sm font-medium text-indigo-700 underline">
        Back to API keys
      </Link>
    </main>
  );
}
