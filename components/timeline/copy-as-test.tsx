"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { historyAsTest, type HistoryEvent } from "@/lib/timeline/as-test";
import { fetchEvents } from "./api";

/** Events 1…to of the stream, page by page (the events API returns at most 1000 at once). */
async function eventsUpTo(streamId: string, to: number): Promise<HistoryEvent[]> {
  const out: HistoryEvent[] = [];
  let from = 1;
  while (from <= to) {
    const page = await fetchEvents(streamId, from, to);
    out.push(...page.events);
    if (!page.nextFromVersion) break;
    from = page.nextFromVersion;
  }
  return out;
}

/**
 * "Copy as test": versions from…to as a node:test given/when/then case (lib/timeline/as-test.ts),
 * copied to the clipboard and shown, ready to paste into lib/domain/customer/.
 */
export function CopyAsTest({ streamId, version, total, range }: { streamId: string; version: number; total: number; range: { a: number; b: number } | null }) {
  const [from, setFrom] = useState(String(range?.a ?? version));
  const [to, setTo] = useState(String(range?.b ?? version));
  const [code, setCode] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const a = Number(from);
    const b = Number(to);
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 1 || b > total || a > b) {
      setMessage(`Choose versions with 1 ≤ from ≤ to ≤ ${total}.`);
      return;
    }
    setBusy(true);
    try {
      const text = historyAsTest(await eventsUpTo(streamId, b), a, b);
      setCode(text);
      const copied = await navigator.clipboard?.writeText(text).then(() => true, () => false);
      setMessage(copied ? `Copied the test for v${a}–v${b} to the clipboard.` : `The test for v${a}–v${b} is below (the clipboard was not available).`);
    } catch (error) {
      setCode(null);
      setMessage(error instanceof Error ? error.message.replace(/^\d+: /, "") : String(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card className="space-y-3 p-4">
      <details>
        <summary className="cursor-pointer text-lg font-semibold">Copy as test</summary>
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
          A given/when/then test of the customer rules: the events before the range as given, the commands that produced the
          range as when, its events as then.
        </p>
        <form onSubmit={submit} className="mt-3 flex flex-wrap items-end gap-3">
          <div className="w-24">
            <label htmlFor="as-test-from" className="mb-1 block text-sm font-medium">
              From version
            </label>
            <Input id="as-test-from" type="number" min={1} max={total} value={from} onChange={(e) => setFrom(e.target.value)} />
          </div>
          <div className="w-24">
            <label htmlFor="as-test-to" className="mb-1 block text-sm font-medium">
              To version
            </label>
            <Input id="as-test-to" type="number" min={1} max={total} value={to} onChange={(e) => setTo(e.target.value)} />
          </div>
          <Button type="submit" variant="secondary" disabled={busy}>
            Copy as test
          </Button>
        </form>
        <p aria-live="polite" className="mt-2 text-sm">
          {message ?? ""}
        </p>
        {code ? (
          <pre aria-label="Generated test" tabIndex={0} className="mt-2 max-h-96 overflow-auto rounded bg-zinc-100 p-3 text-xs dark:bg-zinc-900">
            {code}
          </pre>
        ) : null}
      </details>
    </Card>
  );
}
