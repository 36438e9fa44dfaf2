import type { Scenario } from "../lib/context";
import { appendBatch } from "./append-batch";
import { appendOne } from "./append-one";
import { catchUp } from "./catch-up";
import { command } from "./command";
import { embedded } from "./embedded";
import { lag } from "./lag";
import { listPage } from "./list-page";
import { memory } from "./memory";
import { readStream } from "./read-stream";
import { stateAtVersion } from "./state-at-version";

/**
 * Run order matters: catch-up needs the log empty so that it catches up on exactly its data set,
 * and lag uses the rate append-one measured (or measures one itself when run alone).
 */
export const scenarios: Scenario[] = [catchUp, appendOne, lag, command, appendBatch, readStream, stateAtVersion, listPage, memory, embedded];
