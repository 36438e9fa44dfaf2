import { Button } from "@/components/ui/button";
import { Notice, Skeleton } from "@/components/ui/card";

/** Rows of grey bars while a list's first page loads. */
export function ListSkeleton({ label, rowClassName }: { label: string; rowClassName: string }) {
  return (
    <div className="space-y-2" aria-busy="true" aria-label={label}>
      {Array.from({ length: 6 }, (_, i) => (
        <Skeleton key={i} className={rowClassName} />
      ))}
    </div>
  );
}

/** A failed load, with Retry; the rows already shown (if any) stay below it. */
export function LoadError({ what, error, onRetry }: { what: string; error: Error; onRetry(): void }) {
  return (
    <Notice tone="error" role="alert" className="flex flex-wrap items-center justify-between gap-2">
      <span>
        Could not load {what}: {error.message}
      </span>
      <Button variant="secondary" size="sm" onClick={onRetry}>
        Retry
      </Button>
    </Notice>
  );
}

/**
 * An empty list. Filtered, it names the active filters (`filteredText`) and offers a reset
 * (STYLE §8); unfiltered, it says so (`emptyText`).
 */
export function EmptyState({ filteredText, emptyText, onReset }: { filteredText: string | null; emptyText: string; onReset(): void }) {
  return (
    <div className="rounded-lg border border-dashed border-zinc-300 p-8 text-center dark:border-zinc-700">
      {filteredText ? (
        <>
          <p className="font-medium">{filteredText}</p>
          <Button variant="secondary" className="mt-3" onClick={onReset}>
            Reset filters
          </Button>
        </>
      ) : (
        <p className="font-medium">{emptyText}</p>
      )}
    </div>
  );
}
