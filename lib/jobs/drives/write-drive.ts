import type { LocalRoots } from "../../drives/local-roots.ts";
import type { DriveCheckContext, DriveFields, DriveType } from "../../drives/types/drive-type.ts";
import { driveSchema, driveTypeOf, splitSecrets } from "../../drives/types/registry.ts";
import type { DriveRecord } from "../../store/drive-record.ts";
import { ConflictError, NotFoundError } from "../../store/errors.ts";
import type { JobLog } from "../deps.ts";
import type { ConfigsPort } from "../ports.ts";
import type { DriveDeps } from "./deps.ts";
import { drivesUsedBy } from "./drive-users.ts";
import { DriveInUseError, DriveValidationError } from "./errors.ts";

type Deps = {
  readonly drives: DriveDeps;
  readonly log?: JobLog | undefined;
  /** Folders a local drive's root must lie in (the API's SYNCRON_LOCAL_ROOTS rule). */
  readonly localRoots: LocalRoots;
};

/**
 * Checks a complete drive against its type's schema, its cross-field rules and `context` (a local
 * root inside the allowed roots). Throws DriveValidationError.
 */
export function checkDrive(type: DriveType, fields: DriveFields, context: DriveCheckContext): DriveFields {
  const parsed = driveSchema(type).safeParse(fields);
  if (!parsed.success) {
    throw new DriveValidationError(
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join("."),
        message: issue.message,
      })),
    );
  }
  const issues = type.check?.(parsed.data, context) ?? [];
  if (issues.length > 0) throw new DriveValidationError(issues);
  return parsed.data;
}

const secretsEqual = (a: Record<string, string>, b: Record<string, string>): boolean =>
  Object.keys(a).length === Object.keys(b).length &&
  Object.entries(a).every(([key, value]) => b[key] === value);

/**
 * Creates a drive from checked fields: its secrets go to the secret store first, then the record
 * (settings, which secrets are set, their version) to DynamoDB. Throws ConflictError when the name is taken.
 */
export async function createDrive(type: DriveType, fields: DriveFields, deps: Deps): Promise<DriveRecord> {
  const valid = checkDrive(type, fields, deps);
  const name = String(valid.name);
  if (await deps.drives.records.get(name))
    throw new ConflictError(`drive ${JSON.stringify(name)} already exists`);
  const { settings, secrets } = splitSecrets(type, valid);
  const secretNames = Object.keys(secrets).sort();
  const secret_version = secretNames.length > 0 ? await deps.drives.secrets.put(name, secrets) : null;
  const record = await deps.drives.records.create({
    name,
    type: type.type,
    settings,
    secrets_set: secretNames,
    secret_version,
  });
  deps.log?.("info", "drive created", { drive: name, type: type.type, secrets_set: secretNames });
  return record;
}

/**
 * Changes a drive. `merge` computes its new fields from the current ones (settings and secrets
 * together): a PATCH overlays the fields sent, a PUT replaces them. New secrets are written as a new
 * version before the record points at it, so a failed update leaves the drive as it was; secrets
 * that did not change are not written again. With `expectedVersion` (If-Match) a stale version is
 * a ConflictError. Throws NotFoundError, DriveValidationError.
 */
export async function changeDrive(
  name: string,
  merge: (current: DriveFields, type: DriveType) => DriveFields,
  deps: Deps,
  expectedVersion?: number,
): Promise<DriveRecord> {
  const { records, secrets: store } = deps.drives;
  const current = await records.get(name);
  if (!current) throw new NotFoundError("drive", name);
  if (expectedVersion !== undefined && current.version !== expectedVersion) {
    throw new ConflictError(
      `drive ${JSON.stringify(name)} is at version ${current.version}, not ${expectedVersion}`,
    );
  }
  const type = driveTypeOf(current.type);
  if (!type)
    throw new DriveValidationError([{ path: "type", message: `unknown drive type ${current.type}` }]);
  const oldSecrets =
    current.secret_version === null ? {} : { ...(await store.get(name, current.secret_version)) };
  const next = checkDrive(
    type,
    merge({ ...current.settings, ...oldSecrets, name, type: type.type }, type),
    deps,
  );
  const { settings, secrets } = splitSecrets(type, next);
  const rotated = !secretsEqual(secrets, oldSecrets);
  const secretNames = Object.keys(secrets).sort();
  let secret_version = current.secret_version;
  if (rotated) secret_version = secretNames.length > 0 ? await store.put(name, secrets) : null;
  const record = await records.update(
    name,
    { type: type.type, settings, secrets_set: secretNames, secret_version },
    current.version,
  );
  if (rotated && secret_version === null) await store.delete(name);
  deps.log?.("info", "drive updated", { drive: name, secrets_rotated: rotated, secrets_set: secretNames });
  return record;
}

/**
 * A PATCH: the fields sent replace the stored ones, `null` removes one, the rest stay (secrets too),
 * except that a PATCH moving where the secrets go (`secretsGoTo`: a WebDAV or OpenList `url`, an S3
 * `endpoint`) must send each stored secret again (or `null`): refused otherwise, naming the field.
 */
export const patchFields =
  (patch: DriveFields) =>
  (current: DriveFields, type: DriveType): DriveFields => {
    const kept = type.secrets.filter((secret) => current[secret] !== undefined && !(secret in patch));
    const moved = (type.secretsGoTo ?? []).filter(
      (field) => field in patch && (patch[field] ?? undefined) !== current[field],
    );
    if (kept.length > 0 && moved.length > 0) {
      throw new DriveValidationError(
        moved.map((field) => ({
          path: field,
          message: `a new ${field} would be sent the stored ${kept.join(" and ")}: send ${kept.join(" and ")} again in this PATCH (or null to drop it)`,
        })),
      );
    }
    const next: Record<string, unknown> = { ...current };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete next[key];
      else if (value !== undefined) next[key] = value;
    }
    return next;
  };

/** A PUT: the drive becomes exactly the body (same name and type); settings and secrets not sent are removed. */
export const replaceFields =
  (body: DriveFields) =>
  (current: DriveFields, type: DriveType): DriveFields => {
    if (body.type !== type.type) {
      throw new DriveValidationError([
        {
          path: "type",
          message: `a drive's type cannot change (it is ${type.type}): delete it and create it again`,
        },
      ]);
    }
    if (body.name !== current.name) {
      throw new DriveValidationError([
        { path: "name", message: `the body names ${String(body.name)}, the path ${String(current.name)}` },
      ]);
    }
    return body;
  };

/**
 * Deletes a drive no config uses (else DriveInUseError naming them): the record first, then its
 * secrets, so no record ever points at deleted secrets. Throws NotFoundError.
 */
export async function deleteDrive(
  name: string,
  deps: Deps & { readonly configs: Pick<ConfigsPort, "list"> },
): Promise<void> {
  if (!(await deps.drives.records.get(name))) throw new NotFoundError("drive", name);
  const users = (await drivesUsedBy(deps.configs)).get(name) ?? [];
  if (users.length > 0) throw new DriveInUseError(name, users);
  await deps.drives.records.delete(name);
  await deps.drives.secrets.delete(name);
  deps.log?.("info", "drive deleted", { drive: name });
}
