"use client";

import Link from "next/link";
import { useMutation } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Card, Notice } from "@/components/ui/card";
import type { VerifyReport } from "@/lib/queries/projections";

type Mismatch = VerifyReport["mismatches"][number];

async function post(name: string, kind: "verify" | "repair"): Promise<VerifyReport> {
  const response = await fetch(`/api/projections/${encodeURIComponent(name)}/${kind}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: "{}",
  });
  const body = (await response.json().catch(() => null)) as (VerifyReport & { error?: { message?: string } }) | null;
  if (!response.ok || !body) throw new Error(body?.error?.message ?? `${kind === "verify" ? "Verify" : "Repair"} failed (${response.status})`);
  return body;
}

/** The drift check's state: verify or repair one projection; the last report is shown by DriftReport. */
export function useDriftCheck() {
  return useMutation({ mutationFn: ({ name, kind }: { name: string; kind: "verify" | "repair" }) => post(name, kind) });
}

/** `column: stored → recomputed` for each column that differs. */
function differences(m: Mismatch): string[] {
  if (!m.stored) return ["missing from the stored table"];
  if (!m.recomputed) return ["stored, but the log gives no such row"];
  const columns = [...new Set([...Object.keys(m.stored), ...Object.keys(m.recomputed)])];
  return columns
    .filter((c) => JSON.stringify(m.stored![c]) !== JSON.stringify(m.recomputed![c]))
    .map((c) => `${c}: ${JSON.stringify(m.stored![c])} → ${JSON.stringify(m.recomputed![c])}`);
}

const customerIdOf = (streamId: string | null) => (streamId?.startsWith("Customer-") ? streamId.slice("Customer-".length) : null);

/** The result of a drift check: rows compared, mismatches with both versions, and Repair. */
export function DriftReport({ check }: { check: ReturnType<typeof useDriftCheck> }) {
  if (check.isPending) return <p role="status" className="text-sm">Checking {check.variables?.name} against the log…</p>;
  if (check.isError) return <Notice tone="error" role="alert">{check.error.message}</Notice>;
  const report = check.data;
  if (!report) return null;
  const compared = report.tables.reduce((sum, t) => sum + t.compared, 0);
  return (
    <Card className="space-y-3 p-4" role="region" aria-label={`Drift check of ${report.projection}`}>
      <h2 className="text-lg font-semibold">Drift check: {report.projection}</h2>
      <p className="text-sm" role="status">
        {compared.toLocaleString()} rows compared at position {report.position.toLocaleString()} ({report.events.toLocaleString()} events replayed,{" "}
        {(report.durationMs / 1000).toFixed(2)} s):{" "}
        <strong>{report.mismatchCount === 0 ? "no drift" : `${report.mismatchCount} mismatch${report.mismatchCount === 1 ? "" : "es"}`}</strong>
        {report.repaired ? `, ${report.repaired} row${report.repaired === 1 ? "" : "s"} repaired` : ""}.
      </p>
      {report.mismatches.length ? (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Rows that differ from the log</caption>
            <thead>
              <tr>
                <th className="p-2">Table</th>
                <th className="p-2">Stream</th>
                <th className="p-2">Position</th>
                <th className="p-2">Stored → recomputed</th>
              </tr>
            </thead>
            <tbody>
              {report.mismatches.map((m) => (
                <tr key={`${m.table}:${JSON.stringify(m.key)}`} className="border-t border-zinc-200 align-top dark:border-zinc-800">
                  <td className="p-2 font-mono">{m.table}</td>
                  <td className="p-2 font-mono text-xs">
                    {customerIdOf(m.streamId) ? (
                      <Link href={`/customers/${customerIdOf(m.streamId)}/timeline`} className="text-blue-700 hover:underline dark:text-blue-400">
                        {m.streamId}
                      </Link>
                    ) : (
                      (m.streamId ?? JSON.stringify(m.key))
                    )}
                  </td>
                  <td className="p-2 font-mono">{m.position ?? "—"}</td>
                  <td className="p-2 font-mono text-xs wrap-anywhere">
                    {differences(m).map((line) => (
                      <div key={line}>{line}</div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {report.mismatchCount > report.repaired ? (
        <Button onClick={() => check.mutate({ name: report.projection, kind: "repair" })}>
          Repair {report.mismatchCount - report.repaired} row{report.mismatchCount - report.repaired === 1 ? "" : "s"}
        </Button>
      ) : null}
    </Card>
  );
}
