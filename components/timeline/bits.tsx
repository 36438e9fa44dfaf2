"use client";

import { useEffect, useState, type MouseEvent, type ReactNode } from "react";
import { ActorName } from "@/components/actors/actor-name";
import { LocalTime } from "@/components/local-time";
import { Button } from "@/components/ui/button";
import type { FieldPath } from "@/lib/timeline/diff";
import type { FieldHistoryEntry, FieldOrigin } from "@/lib/timeline/provenance";
import { FIELD_LABELS, showValue } from "./format";

/** What a field-change row shows: a field history entry, or a compare touch (the same shape). */
type FieldChangeEntry = Pick<FieldHistoryEntry, "version" | "type" | "timestamp" | "actor" | "before" | "after">;

/**
 * A field as every tab names it: the label people read (FIELD_LABELS, "Postal code"), then its
 * path (`address.postalCode`) in small type. Changes, Why, Compare and the state card all use it.
 */
export function FieldName({ path, strong = true }: { path: FieldPath; strong?: boolean }) {
  return (
    <span className="inline-flex flex-wrap items-baseline gap-x-1.5" data-testid="field-name">
      <span className={strong ? "font-semibold" : undefined}>{FIELD_LABELS[path]}</span>{" "}
      <code className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{path}</code>
    </span>
  );
}

/** A link to a version of this timeline: a real href (open in a new tab works), a jump on click. */
export function VersionLink({
  customerId,
  version,
  onJump,
  children,
  className = "",
}: {
  customerId: string;
  version: number;
  onJump(version: number): void;
  children: ReactNode;
  className?: string;
}) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) return;
    event.preventDefault();
    onJump(version);
  };
  return (
    <a
      href={`/customers/${customerId}/timeline?v=${version}`}
      onClick={onClick}
      className={`font-medium text-blue-700 underline-offset-2 hover:underline dark:text-blue-300 ${className}`}
    >
      {children}
    </a>
  );
}

/** "v3 CustomerRenamed · time · actor": the event that gave a field its value, linking to it. */
export function OriginSource({ origin, customerId, onJump }: { origin: FieldOrigin; customerId: string; onJump(version: number): void }) {
  return (
    <>
      <VersionLink customerId={customerId} version={origin.version} onJump={onJump}>
        v{origin.version} {origin.type}
      </VersionLink>
      {" · "}
      <LocalTime iso={origin.timestamp} />
      {" · "}
      <ActorName actor={origin.actor} />
    </>
  );
}

/** "set by v3 CustomerRenamed · time · actor". */
export function OriginLine({ origin, customerId, onJump }: { origin: FieldOrigin; customerId: string; onJump(version: number): void }) {
  return (
    <span className="text-xs text-zinc-600 dark:text-zinc-400">
      {origin.kind === "removed" ? "removed by " : "set by "}
      <OriginSource origin={origin} customerId={customerId} onJump={onJump} />
    </span>
  );
}

/** One event's change to one field, as a list item: "v3 CustomerRenamed  old → new  time · actor". */
export function FieldChangeItem({
  change,
  customerId,
  onJump,
}: {
  change: FieldChangeEntry;
  customerId: string;
  onJump(version: number): void;
}) {
  return (
    <li className="flex flex-wrap gap-x-2 text-xs">
      <VersionLink customerId={customerId} version={change.version} onJump={onJump}>
        v{change.version} {change.type}
      </VersionLink>
      <span className="font-mono">
        {showValue(change.before)} → {showValue(change.after)}
      </span>
      <span className="text-zinc-500 dark:text-zinc-400">
        <LocalTime iso={change.timestamp} /> · <ActorName actor={change.actor} />
      </span>
    </li>
  );
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API refused (insecure origin, permissions): the old way still works in most browsers.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

/** A button that copies `text` and says so (politely, for screen readers too). */
export function CopyButton({ text, label, size = "sm" }: { text: string | (() => string); label: string; size?: "sm" | "md" }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <Button
      variant="secondary"
      size={size}
      onClick={async () => setState((await copyText(typeof text === "function" ? text() : text)) ? "copied" : "failed")}
    >
      {label}
      <span aria-live="polite" className="text-xs text-emerald-700 dark:text-emerald-300">
        {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : ""}
      </span>
    </Button>
  );
}
