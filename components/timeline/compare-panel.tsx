"use client";

import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { fetchEvents, timelineKeys, type CompareResponse } from "./api";
import { FieldChangeItem, FieldName } from "./bits";
import { pluralize } from "./format";
import { StateDiff } from "./state-diff";

/** The event type of a version when the page already has it (event window, shown state), else undefined. */
export type TypeAt = (version: number) => string | undefined;

interface ComparePanelProps {
  streamId: string;
  typeAt: TypeAt;
  a: number;
  b: number;
  currentVersion: number;
  customerId: string;
  data: CompareResponse | undefined;
  loading: boolean;
  error: Error | null;
  onCompare(a: number, b: number): void;
  onExit(): void;
  onJump(version: number): void;
}

/** Compare mode: pick A and B, see the diff and the events between, grouped by field. */
export function ComparePanel(props: ComparePanelProps) {
  const { a, b, currentVersion, customerId, data, loading, error, onJump } = props;
  const typeAt: TypeAt = (version) => props.typeAt(version) ?? data?.events.find((event) => event.version === version)?.type;
  return (
    <section aria-labelledby="compare-heading" className="space-y-4 rounded-lg border border-violet-200 bg-white p-4 shadow-sm dark:border-violet-900 dark:bg-zinc-900">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="compare-heading" className="text-base font-semibold">
          Compare v{a} with v{b}
        </h2>
        <Button variant="ghost" size="sm" onClick={props.onExit}>
          Exit compare
        </Button>
      </div>
      <CompareForm key={`${a}-${b}`} a={a} b={b} currentVersion={currentVersion} streamId={props.streamId} typeAt={typeAt} onCompare={props.onCompare} />

      {error ? (
        <Notice tone="error" role="alert">
          Could not compare: {error.message}
        </Notice>
      ) : !data ? (
        <p className="text-sm text-zinc-500" aria-live="polite">
          Comparing…
        </p>
      ) : (
        <div className={`grid gap-6 lg:grid-cols-2 ${loading ? "opacity-70" : ""}`} aria-busy={loading}>
          <section aria-labelledby="compare-diff-heading" className="space-y-2">
            <h3 id="compare-diff-heading" className="text-sm font-semibold">
              {pluralize(data.changes.length, "field")} changed from v{data.from} to v{data.to}
            </h3>
            <StateDiff changes={data.changes} after={data.after} emptyText="No field differs between these versions." />
          </section>
          <section aria-labelledby="compare-groups-heading" className="space-y-2">
            <h3 id="compare-groups-heading" className="text-sm font-semibold">
              {pluralize(data.eventCount, "event")} between, by field
            </h3>
            <ul className="space-y-3">
              {data.groups.map((group) => (
                <li key={group.path} className="space-y-1">
                  <p className="text-sm">
                    <FieldName path={group.path} />{" "}
                    <span className="text-xs text-zinc-500 dark:text-zinc-400">
                      {pluralize(group.touchCount, "change")}
                      {group.changedOverall ? "" : " · back to its value at A"}
                    </span>
                  </p>
                  <ol className="space-y-0.5 border-l-2 border-zinc-200 pl-3 dark:border-zinc-700">
                    {group.touches.map((touch) => (
                      <FieldChangeItem key={touch.version} change={touch} customerId={customerId} onJump={onJump} />
                    ))}
                  </ol>
                </li>
              ))}
            </ul>
            {data.eventCount > data.events.length ? (
              <p className="text-xs text-zinc-500">Showing the first {data.events.length} events of each list.</p>
            ) : null}
          </section>
        </div>
      )}
    </section>
  );
}

interface CompareFormProps {
  a: number;
  b: number;
  currentVersion: number;
  streamId: string;
  typeAt: TypeAt;
  onCompare(a: number, b: number): void;
}

function CompareForm({ a, b, currentVersion, streamId, typeAt, onCompare }: CompareFormProps) {
  const [from, setFrom] = useState(String(a));
  const [to, setTo] = useState(String(b));
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const x = Number(from);
    const y = Number(to);
    const valid = (n: number) => Number.isInteger(n) && n >= 1 && n <= currentVersion;
    if (!valid(x) || !valid(y)) return setProblem(`Versions go from 1 to ${currentVersion}.`);
    if (x === y) return setProblem("Pick two different versions.");
    setProblem(null);
    onCompare(Math.min(x, y), Math.max(x, y));
  };
  const describedBy = problem ? "compare-problem" : undefined;
  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-3" noValidate>
      <VersionInput label="From version (A)" value={from} onChange={setFrom} max={currentVersion} describedBy={describedBy} streamId={streamId} typeAt={typeAt} />
      <VersionInput label="To version (B)" value={to} onChange={setTo} max={currentVersion} describedBy={describedBy} streamId={streamId} typeAt={typeAt} />
      <datalist id="compare-versions">
        {Array.from({ length: Math.min(currentVersion, 200) }, (_, i) => currentVersion - i).map((version) => (
          <option key={version} value={version} label={versionLabel(version, typeAt(version))} />
        ))}
      </datalist>
      <Button type="submit" size="sm" className="h-9">
        Compare
      </Button>
      <p id="compare-problem" aria-live="polite" className="w-full text-sm text-red-700 empty:hidden dark:text-red-300">
        {problem}
      </p>
    </form>
  );
}

/** "v3 · CustomerAddressUpdated", or "v3" while the type is not known. */
const versionLabel = (version: number, type: string | undefined) => (type ? `v${version} · ${type}` : `v${version}`);

/** The event type of one version: from the page when it has it, else that one event (never the whole stream). */
function useVersionType(streamId: string, version: number | null, typeAt: TypeAt) {
  const known = version === null ? undefined : typeAt(version);
  const query = useQuery({
    queryKey: timelineKeys.events(streamId, version ?? 0, version ?? 0),
    queryFn: () => fetchEvents(streamId, version!, version!),
    enabled: version !== null && known === undefined,
    staleTime: Infinity,
  });
  return known ?? query.data?.events[0]?.type;
}

interface VersionInputProps {
  label: string;
  value: string;
  onChange(value: string): void;
  max: number;
  describedBy: string | undefined;
  streamId: string;
  typeAt: TypeAt;
}

/** A labelled version number input (1…max) for the compare form, showing the event that made the version. */
function VersionInput({ label, value, onChange, max, describedBy, streamId, typeAt }: VersionInputProps) {
  const n = Number(value);
  const version = Number.isInteger(n) && n >= 1 && n <= max ? n : null;
  const type = useVersionType(streamId, version, typeAt);
  return (
    <label className="grid gap-1 text-sm">
      <span>{label}</span>
      <input
        type="number"
        min={1}
        max={max}
        value={value}
        list="compare-versions"
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={describedBy}
        className="h-9 w-28 rounded-md border border-zinc-300 bg-white px-2 font-mono dark:border-zinc-700 dark:bg-zinc-950"
      />
      <span className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="compare-version-event" aria-live="polite">
        {version === null ? "" : versionLabel(version, type)}
      </span>
    </label>
  );
}
