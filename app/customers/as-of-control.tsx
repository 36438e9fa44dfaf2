"use client";

import { useState } from "react";
import { useUrlParams } from "@/components/data-table/use-url-params";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { instantOfLocalInput, localInputValue } from "@/components/time/local-input";

/**
 * The list's time control: a date and time (local, to the second) that puts `asOf` in the URL, so
 * the list, its filters, search and city choices show the register as it was then. "Now" clears it.
 */
export function AsOfControl({ asOf }: { asOf: string | null }) {
  const url = useUrlParams();
  const [value, setValue] = useState(() => localInputValue(asOf));
  // The URL moved without this control ("Back to now", Back): show what the list shows.
  const [shown, setShown] = useState(asOf);
  if (shown !== asOf) {
    setShown(asOf);
    if (instantOfLocalInput(value) !== asOf) setValue(localInputValue(asOf));
  }
  const go = (next: string) => {
    setValue(next);
    const instant = instantOfLocalInput(next);
    if (instant) url.replace({ asOf: instant, cursor: null });
    else if (next === "") url.replace({ asOf: null, cursor: null });
  };
  return (
    <div className="flex flex-wrap items-end gap-2">
      <div className="basis-56">
        <label htmlFor="customer-as-of" className="mb-1 block text-sm font-medium">
          As of
        </label>
        <Input id="customer-as-of" type="datetime-local" step={1} value={value} onChange={(e) => go(e.target.value)} />
      </div>
      {asOf ? (
        <Button variant="ghost" onClick={() => go("")}>
          Now
        </Button>
      ) : null}
    </div>
  );
}
