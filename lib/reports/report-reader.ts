import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { InvalidCursorError } from "../store/errors.ts";
import type { SyncItem } from "../sync/types.ts";
import * as z from "../util/zod.ts";
import { type ReportReader, reportPrefix } from "./report-blobs.ts";

export interface ReportQuery {
  readonly op?: SyncItem["op"];
  readonly status?: SyncItem["status"];
  /** Skips are left out unless asked for (a no-op run of a million files has a million of them). */
  readonly includeSkips?: boolean;
  /** Items per page, 1–1000 (default 100). */
  readonly limit?: number;
  readonly cursor?: string | null;
}

export interface ReportPage {
  readonly items: SyncItem[];
  readonly next_cursor: string | null;
}

export const DEFAULT_REPORT_LIMIT = 100;
export const MAX_REPORT_LIMIT = 1000;

/** Where the next page starts: a part (by index, its key to check it is the same part) and a line in it. */
const CursorSchema = z.strictObject({ part: z.string().min(1), line: z.number().int().min(0) });
type Cursor = z.output<typeof CursorSchema>;

const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString("base64url");

function decodeCursor(text: string): Cursor {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
  } catch {
    throw new InvalidCursorError("cursor is not one this listing gave out");
  }
}

/**
 * One page of a run's per-file report, in the order the run wrote it, filtered by op and status. Reads
 * the parts as streams (a page costs the lines before it, never the whole report in memory). A run with
 * no report yet gives an empty page. Throws InvalidCursorError for a cursor it did not give out.
 */
export async function readReportPage(
  blobs: ReportReader,
  taskId: string,
  query: ReportQuery = {},
): Promise<ReportPage> {
  const limit = query.limit ?? DEFAULT_REPORT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_REPORT_LIMIT) {
    throw new RangeError(`limit must be a whole number from 1 to ${MAX_REPORT_LIMIT}`);
  }
  const parts = await blobs.list(reportPrefix(taskId));
  let start = { index: 0, line: 0 };
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor);
    const index = parts.indexOf(cursor.part);
    if (index < 0) throw new InvalidCursorError("cursor is not one this listing gave out");
    start = { index, line: cursor.line };
  }
  const wanted = (item: SyncItem) =>
    (query.op === undefined ? query.includeSkips === true || item.op !== "skip" : item.op === query.op) &&
    (query.status === undefined || item.status === query.status);
  const items: SyncItem[] = [];
  for (let index = start.index; index < parts.length; index++) {
    const part = parts[index]!;
    const body = await blobs.get(part);
    if (!body) continue;
    let line = 0;
    const reader = createInterface({ input: body.pipe(createGunzip()), crlfDelay: Number.POSITIVE_INFINITY });
    try {
      for await (const text of reader) {
        line++;
        if (index === start.index && line <= start.line) continue;
        if (text === "") continue;
        const item = JSON.parse(text) as SyncItem;
        if (!wanted(item)) continue;
        if (items.length === limit) return { items, next_cursor: encodeCursor({ part, line: line - 1 }) };
        items.push(item);
      }
    } finally {
      reader.close();
      body.destroy();
    }
  }
  return { items, next_cursor: null };
}
