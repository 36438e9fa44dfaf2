import type { Scenario } from "../lib/context";
import { appendBatch } from "./append-batch";
import { appendOne } from "./append-one";
import { catchUp } from "./catch-up";
import { command } from "./command";
import { embedded } from "./embedded";
import { lag } from "./lag";
import { listPage } from "./list-page";
import { memory } from "./memory";
import { publisher } from "./publisher";
import { readAll } from "./read-all";
import { readStream } from "./read-stream";
import { stateAtVersion } from "./state-at-version";
import { asOfList, csvExport, verifyList } from "./time-travel";

/**
 * Run order matters. catch-up needs the log empty, so that it catches up on exactly its data set.
 * The read-side scenarios come next, while the log is still about that size: list-page and memory
 * need every read table caught up, read-all reads the log at exactly its size, and lag needs its worker caught up before it measures, and
 * both cost time in proportion to the log. The write scenarios, which grow the log, come last.
 */
export const scenarios: Scenario[] = [catchUp, readAll, listPage, asOfList, verifyList, csvExport, memory, lag, publisher, appendOne, command, appendBatch, readStream, stateAtVersion, embedded];
