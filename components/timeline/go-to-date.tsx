"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { instantOfLocalInput } from "@/components/time/local-input";
import { fetchStateAt } from "./api";

/**
 * "Go to date": a local date and time; the timeline moves to the last version at or before it
 * (`GET …/state?at=`). A time before the customer existed is said so, and nothing moves.
 */
export function GoToDate({ streamId, registeredAt, onJump }: { streamId: string; registeredAt: string | null; onJump(version: number): void }) {
  const [value, setValue] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const at = instantOfLocalInput(value);
    if (!at) {
      setMessage("Enter a complete date and time.");
      return;
    }
    // Known without asking: the customer did not exist yet (the API would answer 400).
    if (registeredAt && new Date(at).getTime() < new Date(registeredAt).getTime()) {
      setMessage(`The customer had no version yet at ${new Date(at).toLocaleString()}: it was registered at ${new Date(registeredAt).toLocaleString()}.`);
      return;
    }
    setBusy(true);
    try {
      const state = await fetchStateAt(streamId, at);
      setMessage(null);
      onJump(state.version);
    } catch (error) {
      setMessage(error instanceof Error ? error.message.replace(/^\d+: /, "") : String(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-2">
      <div>
        <label htmlFor="timeline-go-to-date" className="mb-1 block text-sm font-medium">
          Go to date
        </label>
        <Input
          id="timeline-go-to-date"
          type="datetime-local"
          step={1}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-describedby={message ? "timeline-go-to-date-message" : undefined}
        />
      </div>
      <Button type="submit" variant="secondary" size="sm" disabled={busy}>
        Go
      </Button>
      <p id="timeline-go-to-date-message" aria-live="polite" className="basis-full text-sm text-red-700 dark:text-red-400">
        {message ?? ""}
      </p>
    </form>
  );
}
