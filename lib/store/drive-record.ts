import { DRIVE_NAME } from "../drives/drive-ref.ts";
import * as z from "../util/zod.ts";

const isoTime = z.iso.datetime({ offset: true });

/**
 * A named drive as DynamoDB keeps it: its type, its non-secret settings, which secret fields are
 * set and the secret store's version of them. Never a secret: those live in lib/secrets.
 * `version` starts at 1 and grows with every change (optimistic concurrency, If-Match).
 */
export const DriveRecordSchema = z.object({
  name: z.string().regex(DRIVE_NAME),
  type: z.string().min(1).max(64),
  settings: z.record(z.string(), z.unknown()),
  /** Secret field names that have a value in the secret store, sorted. */
  secrets_set: z.array(z.string()),
  /** The secret store's version of this drive's secrets; null when it has none. */
  secret_version: z.string().min(1).nullable(),
  created_at: isoTime,
  updated_at: isoTime,
  version: z.number().int().min(1),
});
export type DriveRecord = z.output<typeof DriveRecordSchema>;

/** What a write changes: everything but the name, the times and the version. */
export type DriveRecordFields = Pick<DriveRecord, "type" | "settings" | "secrets_set" | "secret_version">;
