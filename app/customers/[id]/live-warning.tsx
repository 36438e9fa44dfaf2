"use client";

import { ActorName } from "@/components/actors/actor-name";
import { useStreamChanges } from "@/components/live/stream-changes";
import { LocalTime } from "@/components/local-time";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { customerStreamId } from "@/lib/domain/customer/events";
import { changedFieldNames } from "@/lib/forms/changed-fields";

/**
 * Warns before saving: someone else changed this customer after the form's version. "Review"
 * submits the form with `intent=review`, which saves nothing and answers with the three-way merge
 * against the customer as it is now, so the user decides before the save instead of after it.
 */
export function LiveWarning({ id, version, pending }: { id: string; version: number; pending: boolean }) {
  const changes = useStreamChanges(customerStreamId(id), version, pending);
  if (pending || changes.length === 0) return <div role="status" aria-live="polite" className="sr-only" />;
  const latest = changes[changes.length - 1];
  const fields = [...new Set(changes.flatMap(changedFieldNames))];
  return (
    <div role="status" aria-live="polite">
      <Notice tone="info" className="flex flex-wrap items-center justify-between gap-2">
        <p>
          Changed by <ActorName actor={latest.metadata.actor} /> at <LocalTime iso={latest.timestamp} short />, {fields.join(", ")}
          {changes.length > 1 ? ` (${changes.length} changes, now version ${latest.version})` : ` (now version ${latest.version})`}.
        </p>
        <Button type="submit" name="intent" value="review" variant="secondary" formNoValidate>
          Review
        </Button>
      </Notice>
    </div>
  );
}
