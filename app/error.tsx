"use client";

import { useEffect } from "react";
import { Button } from "@/components/ui/button";

/** Unexpected failures only: expected errors are values shown beside their forms. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.warn("[ledger] page failed", error.digest ?? error.message);
  }, [error]);
  return (
    <div className="mx-auto max-w-lg space-y-4 py-12 text-center">
      <title>Something went wrong · Ledger</title>
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="text-zinc-600 dark:text-zinc-400">
        The page could not be shown. Nothing you saved was lost: every change is in the event log.
        {error.digest ? <> Reference: <code className="font-mono">{error.digest}</code>.</> : null}
      </p>
      <Button onClick={reset}>Try again</Button>
    </div>
  );
}
