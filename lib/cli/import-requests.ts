/**
 * How `syncron import` sends an export larger than one request: consecutive chunks of rows, each a
 * request the API takes (at most MAX_IMPORT_ROWS rows and MAX_BODY_BYTES of JSON), and one report
 * for the whole export, rows numbered as in the export.
 */
import { MAX_BODY_BYTES } from "../api/body.ts";
import {
  MAX_IMPORT_ROWS,
  type RowReport,
  type SeedImportReport,
  summaryOf,
} from "../jobs/seed-import/import-report.ts";
import { duplicateIdProblem, seedIdOf } from "../jobs/seed-import/seed-export.ts";

/** One request: its rows and, for each, its index in the export. */
export interface ImportChunk {
  readonly rows: unknown[];
  readonly indexes: number[];
}

export interface ImportPlan {
  readonly chunks: ImportChunk[];
  /**
   * Rows no request can carry, reported as not carried without being sent: a row whose id an earlier
   * row has (in one request the API says so itself; across requests the second would pass for a
   * re-run), and a row too big for a request on its own.
   */
  readonly refused: RowReport[];
}

export interface ImportLimits {
  readonly rows: number;
  readonly bytes: number;
}

const bytesOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), "utf8");

const notCarried = (index: number, row: unknown, problem: { field: string; message: string }): RowReport => {
  const seedId = seedIdOf(row) ?? null;
  return {
    index,
    seed_id: seedId,
    id: seedId === null ? null : String(seedId),
    outcome: "not_carried",
    notes: [],
    problems: [problem],
  };
};

/**
 * Splits `rows` into requests whose body, `{...envelope, rows}` as JSON, holds at most `limits.rows`
 * rows and `limits.bytes` bytes, in the export's order.
 */
export function planImport(
  rows: readonly unknown[],
  envelope: Record<string, unknown>,
  limits: ImportLimits = { rows: MAX_IMPORT_ROWS, bytes: MAX_BODY_BYTES },
): ImportPlan {
  const base = bytesOf({ ...envelope, rows: [] });
  const chunks: ImportChunk[] = [];
  const refused: RowReport[] = [];
  const firstIndex = new Map<number, number>();
  let current: ImportChunk = { rows: [], indexes: [] };
  let size = base;
  for (const [index, row] of rows.entries()) {
    const id = seedIdOf(row);
    const first = id === undefined ? undefined : firstIndex.get(id);
    if (id !== undefined && first !== undefined) {
      refused.push(notCarried(index, row, duplicateIdProblem(id, first)));
      continue;
    }
    if (id !== undefined) firstIndex.set(id, index);
    const rowBytes = bytesOf(row);
    if (base + rowBytes > limits.bytes) {
      refused.push(
        notCarried(index, row, {
          field: "row",
          message: `the row is ${rowBytes} bytes of JSON: more than one request to the API may hold (${limits.bytes} bytes)`,
        }),
      );
      continue;
    }
    const added = rowBytes + (current.rows.length > 0 ? 1 : 0);
    if (current.rows.length >= limits.rows || size + added > limits.bytes) {
      chunks.push(current);
      current = { rows: [], indexes: [] };
      size = base;
    }
    size += rowBytes + (current.rows.length > 0 ? 1 : 0);
    current.rows.push(row);
    current.indexes.push(index);
  }
  if (current.rows.length > 0) chunks.push(current);
  return { chunks, refused };
}

/** The report of one chunk with its rows numbered as in the export. */
export const inExport = (chunk: ImportChunk, report: SeedImportReport): RowReport[] =>
  report.rows.map((row) => ({ ...row, index: chunk.indexes[row.index] ?? row.index }));

/** One report of many rows, in the export's order, with their counts. */
export function combinedReport(dryRun: boolean, rows: RowReport[]): SeedImportReport {
  const sorted = [...rows].sort((a, b) => a.index - b.index);
  return { dry_run: dryRun, summary: summaryOf(sorted), rows: sorted };
}
