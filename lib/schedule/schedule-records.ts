import type { ScheduleInfo } from "./scheduler.ts";

/**
 * What a scheduler adapter read of one schedule, with the backend's LastModificationDate at that read.
 * A record is a fact that stays true: while the backend's listing shows the same date, the schedule
 * is still `info`, so the adapter need not read it again (ListSchedules returns no expression).
 */
export interface ScheduleRecord {
  /** The backend's LastModificationDate (ms since the epoch) when `info` was read. */
  readonly modified: number;
  readonly info: ScheduleInfo;
}

/**
 * Where an adapter keeps its records beyond one process (a Lambda cold start, a second API instance):
 * the store's table on AWS. Losing a write costs one read of that schedule later, never a wrong answer.
 */
export interface ScheduleRecords {
  /** Every record kept for the schedule group, read in a few pages (not one request per schedule). */
  list(group: string): Promise<ScheduleRecord[]>;
  /** Keeps `record` for its schedule (`record.info.name`), replacing the one kept before. */
  put(group: string, record: ScheduleRecord): Promise<void>;
  /** Forgets the record of schedule `name`; no failure when there is none. */
  delete(group: string, name: string): Promise<void>;
}
