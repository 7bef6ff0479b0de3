/** What an import of seed configs reports: an outcome per row and their counts. */
import type { SyncConfigFields } from "../../store/sync-config.ts";
import type { RowProblem } from "./map-row.ts";

/** The most rows one import request takes (the API's body limit, 256 KiB, comes first for big rows). */
export const MAX_IMPORT_ROWS = 1000;

export const ROW_OUTCOMES = [
  "created",
  "would_create",
  "replaced",
  "would_replace",
  "unchanged",
  "conflict",
  "not_carried",
  "failed",
] as const;
export type RowOutcome = (typeof ROW_OUTCOMES)[number];

/** What became of one row. */
export interface RowReport {
  readonly index: number;
  readonly seed_id: number | null;
  /** The syncron config id (the seed id as text); null when the row has no usable id. */
  readonly id: string | null;
  readonly outcome: RowOutcome;
  /** The config the row becomes (or is, when unchanged). */
  readonly config?: SyncConfigFields;
  /** The seed's `last_sync`, kept as the config's `last_run.finished_at`. */
  readonly last_sync?: string;
  /** What changes meaning on the way (carried anyway). */
  readonly notes: readonly string[];
  /** not_carried: every reason, by seed field. */
  readonly problems?: readonly RowProblem[];
  /** conflict: the fields in which the stored config differs from the row. */
  readonly differs?: readonly string[];
  /** failed: why the write failed (nothing of the row is written). */
  readonly error?: string;
  readonly schedule_error?: string;
}

export interface SeedImportReport {
  readonly dry_run: boolean;
  readonly summary: Readonly<Record<RowOutcome, number>>;
  readonly rows: readonly RowReport[];
}

/** The count of each outcome among `rows`. */
export function summaryOf(rows: readonly RowReport[]): Record<RowOutcome, number> {
  const summary = Object.fromEntries(ROW_OUTCOMES.map((outcome) => [outcome, 0])) as Record<
    RowOutcome,
    number
  >;
  for (const row of rows) summary[row.outcome]++;
  return summary;
}
