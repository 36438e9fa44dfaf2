"use client";

import * as Slider from "@radix-ui/react-slider";
import { useRef } from "react";
import { Button } from "@/components/ui/button";
import type { NavigationMode } from "./hooks/use-timeline-url";

export interface Mark {
  version: number;
  type: string;
}

/** The thumb's width (Tailwind size-5). */
const THUMB_PX = 20;

interface ScrubberProps {
  /** Where the thumb is (follows a drag before it is committed). */
  value: number;
  currentVersion: number;
  /** Event types of the versions the page has loaded (one mark each). */
  marks: Mark[];
  /** Type of the event at `value`, when known. */
  valueType: string | undefined;
  playing: boolean;
  /** Versions highlighted because they changed the pinned field. */
  pinned?: ReadonlySet<number>;
  onDrag(value: number): void;
  onCommit(value: number, mode: NavigationMode): void;
  onTogglePlay(): void;
}

/**
 * The version slider (Radix: role slider, ←/→, PageUp/PageDown ±10, Home/End), its marks, and
 * Prev / Play / Next. Arrow keys belong to the focused slider only: no window-wide hotkeys.
 */
export function Scrubber({ value, currentVersion, marks, valueType, playing, pinned, onDrag, onCommit, onTogglePlay }: ScrubberProps) {
  // Which input produced the next commit: Home/End are jumps (push), everything else steps.
  const lastInput = useRef<string>("pointer");
  const pointerDown = useRef(false);
  const single = currentVersion <= 1;
  const percent = (version: number) => (single ? 50 : ((version - 1) / (currentVersion - 1)) * 100);
  // Radix keeps the thumb inside the track (its centre moves from +½ thumb at the start to −½ at
  // the end); marks follow the same curve so each sits under the thumb at its version.
  const markLeft = (version: number) => {
    const p = percent(version);
    return `calc(${p}% + ${THUMB_PX / 2 - (p / 100) * THUMB_PX}px)`;
  };
  const valueText = `Version ${value} of ${currentVersion}${valueType ? `: ${valueType}` : ""}`;

  return (
    <div className="space-y-3">
      <div className="flex items-center justify-between gap-3">
        <span id="version-label" className="text-sm font-medium">
          Version
        </span>
        <output aria-hidden="true" className="font-mono text-sm tabular-nums text-zinc-600 dark:text-zinc-400">
          v{value} / {currentVersion}
          {valueType ? <span className="ml-2 font-sans text-zinc-900 dark:text-zinc-100">{valueType}</span> : null}
        </output>
      </div>

      <div>
        <Slider.Root
          min={1}
          max={Math.max(currentVersion, 1)}
          step={1}
          value={[value]}
          disabled={single}
          onPointerDown={() => {
            lastInput.current = "pointer";
            pointerDown.current = true;
          }}
          onPointerUp={() => {
            pointerDown.current = false;
          }}
          onPointerCancel={() => {
            pointerDown.current = false;
          }}
          // Only a pointer drag moves the thumb ahead of the URL; keys commit at once (Radix
          // reports their change after their commit, which would leave a stale drag value).
          onValueChange={([next]) => {
            if (pointerDown.current) onDrag(next);
          }}
          onValueCommit={([next]) => {
            const mode: NavigationMode = lastInput.current === "Home" || lastInput.current === "End" ? "push" : "replace";
            lastInput.current = "pointer";
            // Radix calls this from inside a state update; navigate after it.
            queueMicrotask(() => onCommit(next, mode));
          }}
          className="relative flex h-6 w-full touch-none select-none items-center data-[disabled]:opacity-50"
        >
          <Slider.Track className="relative h-1.5 w-full grow overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800">
            <Slider.Range className="absolute h-full bg-blue-600 dark:bg-blue-400" />
          </Slider.Track>
          <Slider.Thumb
            aria-labelledby="version-label"
            aria-valuetext={valueText}
            onKeyDown={(event) => {
              lastInput.current = event.key;
            }}
            className="block size-5 cursor-grab rounded-full border-2 border-blue-600 bg-white shadow transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500 active:cursor-grabbing dark:border-blue-400 dark:bg-zinc-950"
          />
        </Slider.Root>

        {/* One mark per loaded event; clicking one jumps there. Off the tab order (the slider and
            the event list are the keyboard paths); named for screen readers and on hover. */}
        <div className="relative mt-1 h-4" aria-label="Event marks" role="group">
          {marks.map((mark) => (
            <button
              key={mark.version}
              type="button"
              tabIndex={-1}
              aria-label={`Go to version ${mark.version}: ${mark.type}`}
              title={`v${mark.version} ${mark.type}`}
              onClick={() => onCommit(mark.version, "push")}
              style={{ left: markLeft(mark.version) }}
              className="group absolute top-0 flex h-4 w-3 -translate-x-1/2 justify-center"
            >
              <span
                className={`block h-2.5 w-0.5 rounded-full transition-colors group-hover:h-4 group-hover:bg-blue-600 ${
                  mark.version === value
                    ? "h-4 bg-blue-600 dark:bg-blue-400"
                    : pinned?.has(mark.version)
                      ? "bg-amber-500"
                      : "bg-zinc-400 dark:bg-zinc-600"
                }`}
              />
            </button>
          ))}
        </div>
      </div>

      <div className="flex flex-wrap items-center gap-2">
        <Button variant="secondary" size="sm" disabled={value <= 1} onClick={() => onCommit(value - 1, "replace")}>
          <span aria-hidden="true">←</span> Prev
        </Button>
        <Button variant="secondary" size="sm" onClick={onTogglePlay} disabled={single}>
          {playing ? (
            <>
              <span aria-hidden="true">❚❚</span> Pause
            </>
          ) : (
            <>
              <span aria-hidden="true">▶</span> Play
            </>
          )}
        </Button>
        <Button variant="secondary" size="sm" disabled={value >= currentVersion} onClick={() => onCommit(value + 1, "replace")}>
          Next <span aria-hidden="true">→</span>
        </Button>
        {/* No keyboard on a touch screen (no hover): the hint would only take room. */}
        <p className="ml-auto text-xs text-zinc-500 dark:text-zinc-400 [@media(hover:none)]:hidden" data-testid="key-hints">
          Keys (slider focused): <kbd className="font-mono">←</kbd>/<kbd className="font-mono">→</kbd> step ·{" "}
          <kbd className="font-mono">PgUp</kbd>/<kbd className="font-mono">PgDn</kbd> ±10 · <kbd className="font-mono">Home</kbd>/
          <kbd className="font-mono">End</kbd> first/last
        </p>
      </div>
    </div>
  );
}
