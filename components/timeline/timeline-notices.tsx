import { Notice } from "@/components/ui/card";
import type { ViewNotice } from "@/lib/timeline/view";
import { VersionLink } from "./bits";
import { pluralize } from "./format";

/** What the server changed about the URL it was given (clamped or ignored parameters). */
export function UrlNotices({
  notices,
  total,
  customerId,
  onJump,
}: {
  notices: ViewNotice[];
  total: number;
  customerId: string;
  onJump(version: number): void;
}) {
  if (!notices.length) return null;
  return (
    <Notice tone="warning" role="status">
      <ul className="space-y-1">
        {notices.map((notice, i) => (
          <li key={i}>{describeNotice(notice, total)}</li>
        ))}
      </ul>
      <VersionLink customerId={customerId} version={total} onJump={onJump} className="mt-1 inline-block underline">
        Go to the latest version (v{total})
      </VersionLink>
    </Notice>
  );
}

/** "2 newer versions since this page loaded": announced, never applied to the thumb. */
export function NewerVersions({ newer, latest, onGoToLatest }: { newer: number; latest: number; onGoToLatest(): void }) {
  if (newer <= 0) return null;
  return (
    <Notice tone="info" role="status" className="flex flex-wrap items-center justify-between gap-2">
      <span>{pluralize(newer, "newer version")} since this page loaded.</span>
      <button type="button" onClick={onGoToLatest} className="font-medium underline underline-offset-2">
        Go to latest (v{latest})
      </button>
    </Notice>
  );
}

function describeNotice(notice: ViewNotice, total: number): string {
  switch (notice.kind) {
    case "clamped":
      return notice.param === "v"
        ? `Version ${notice.requested} does not exist: this customer has versions 1 to ${total}. Showing version ${notice.shown}.`
        : `Compare version ${notice.requested} (${notice.param}) does not exist; using v${notice.shown}.`;
    case "invalid":
      return `Ignored ${notice.param}=${JSON.stringify(notice.value)}: showing ${notice.fallback}.`;
    case "compare-dropped":
      return `${notice.reason}; compare mode is off.`;
    default: {
      const _exhaustive: never = notice;
      return _exhaustive;
    }
  }
}
