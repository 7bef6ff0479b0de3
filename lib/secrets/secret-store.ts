import { DRIVE_NAME } from "../drives/drive-ref.ts";
import { ServiceError } from "../util/service-error.ts";

/** The secret fields of one drive, by field name (`password`, `secret_access_key`, …). */
export type Secrets = Readonly<Record<string, string>>;

/**
 * Where drive secrets live: one secret per drive, never in DynamoDB, a reply or a log. Adapters:
 * SSM Parameter Store on AWS (`ssm/`), a 0600 file in the dev data folder (`file/`). Every adapter
 * passes test/support/secrets/secret-store-contract.ts.
 */
export interface SecretStore {
  /**
   * Replaces the secrets of drive `name` and resolves their new version: a token the drive record
   * keeps, so a reader asks for exactly the secrets the record was written with (a rotation is a
   * new version, seen by the next read).
   */
  put(name: string, secrets: Secrets): Promise<string>;
  /**
   * The secrets of drive `name` at `version` (a token `put` returned). Throws SecretNotFoundError
   * when the drive has none (or not that version). Adapters may cache a version: it never changes.
   */
  get(name: string, version: string): Promise<Secrets>;
  /** Deletes every version of drive `name`'s secrets. Does not fail when there are none. */
  delete(name: string): Promise<void>;
}

/** A failed secret-store call. Messages name the drive, never a secret value. */
export class SecretStoreError extends ServiceError {
  override name = "SecretStoreError";
}

/** The drive has no secrets stored (or not at the version asked for). Not retryable. */
export class SecretNotFoundError extends SecretStoreError {
  override name = "SecretNotFoundError";
}

/** Throws when `name` is not a drive name, so no adapter ever builds a key from anything else. */
export function assertDriveName(name: string): void {
  if (!DRIVE_NAME.test(name)) {
    throw new SecretStoreError(
      `drive name ${JSON.stringify(name.slice(0, 80))} is not [a-z0-9][a-z0-9-]{0,62}`,
    );
  }
}
