/**
 * Where `syncron sync` finds the drives its `name:path` locations name: a drives file (`--drives
 * FILE`, mode 0600, the JSON `POST /api/v1/drives` takes) or a running API. Either one feeds the
 * worker's own resolver (lib/jobs/drives/resolve-drive.ts), so a name resolves exactly as a run does.
 */
import { readFile, stat } from "node:fs/promises";
import { ANY_LOCAL_ROOT } from "../drives/local-roots.ts";
import type { DriveFields } from "../drives/types/drive-type.ts";
import { driveTypeOf, splitSecrets } from "../drives/types/registry.ts";
import { DriveUnavailableError, DriveValidationError } from "../jobs/drives/errors.ts";
import { createDriveResolver, type ResolveLocation } from "../jobs/drives/resolve-drive.ts";
import { checkDrive } from "../jobs/drives/write-drive.ts";
import type { Secrets } from "../secrets/secret-store.ts";
import type { DriveRecord } from "../store/drive-record.ts";
import type { ApiClient } from "./api-client.ts";
import { UsageError } from "./args.ts";

/** The secret version of a drive read from a file: there is one version, the file's. */
const FILE_VERSION = "file";
const NEVER = new Date(0).toISOString();

const recordOf = (fields: {
  name: string;
  type: string;
  settings: Record<string, unknown>;
  secrets_set: string[];
  secret_version: string | null;
}): DriveRecord => ({ ...fields, created_at: NEVER, updated_at: NEVER, version: 1 });

/**
 * Reads a drives file: an array of drives or an object keyed by name, each as `POST /api/v1/drives`
 * takes it (checked by the same schema). Refuses a file that group or others may read or write, as
 * ssh refuses such a key. Throws UsageError naming the file, the drive and the field; never a value.
 */
export async function drivesFromFile(path: string): Promise<ResolveLocation> {
  let text: string;
  try {
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8);
      throw new UsageError(
        `--drives: ${path} is open to group or others (mode ${mode}); it holds secrets: chmod 600 ${path}`,
      );
    }
    text = await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `--drives: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text around the error, and the text is secrets.
    throw new UsageError(`--drives: ${path} is not JSON`);
  }
  const entries: [string, unknown][] = Array.isArray(json)
    ? json.map((drive, index) => [`[${index}]`, drive])
    : json !== null && typeof json === "object"
      ? Object.entries(json).map(([name, drive]) => [name, drive])
      : [];
  if (entries.length === 0)
    throw new UsageError(`--drives: ${path} must hold an array of drives or an object of drives by name`);

  const records = new Map<string, DriveRecord>();
  const secrets = new Map<string, Secrets>();
  for (const [key, value] of entries) {
    if (value === null || typeof value !== "object" || Array.isArray(value))
      throw new UsageError(`--drives: ${path}: drive ${key} must be an object`);
    const given = value as DriveFields;
    const fields = Array.isArray(json) ? given : { ...given, name: given.name ?? key };
    const where = `${path}: drive ${typeof fields.name === "string" ? JSON.stringify(fields.name) : key}`;
    if (!Array.isArray(json) && fields.name !== key)
      throw new UsageError(`--drives: ${where}: name must be its key ${JSON.stringify(key)} (or left out)`);
    const type = driveTypeOf(String(fields.type ?? ""));
    if (!type) throw new UsageError(`--drives: ${where}: type must be one of s3, webdav, local, openlist`);
    let valid: DriveFields;
    try {
      // The user is the caller here: a local root may be any folder (the API confines them).
      valid = checkDrive(type, fields, { localRoots: ANY_LOCAL_ROOT });
    } catch (error) {
      if (!(error instanceof DriveValidationError)) throw error;
      throw new UsageError(`--drives: ${where}: ${error.message}`);
    }
    const name = String(valid.name);
    if (records.has(name))
      throw new UsageError(`--drives: ${path}: drive ${JSON.stringify(name)} is listed twice`);
    const split = splitSecrets(type, valid);
    const secretNames = Object.keys(split.secrets).sort();
    records.set(
      name,
      recordOf({
        name,
        type: type.type,
        settings: split.settings,
        secrets_set: secretNames,
        secret_version: secretNames.length > 0 ? FILE_VERSION : null,
      }),
    );
    secrets.set(name, split.secrets);
  }
  return createDriveResolver({
    records: { get: async (name) => records.get(name) },
    secrets: { get: async (name) => secrets.get(name) ?? {} },
  });
}

const VIEW_FIELDS = new Set(["name", "type", "secrets_set", "created_at", "updated_at", "version"]);

/**
 * Resolves drives through a running API (`GET /api/v1/drives/{name}`). Its replies never hold a
 * secret, so a drive that has secrets is refused with a way out (a drives file, or a config run on
 * the server). Throws ApiUnreachableError when the API cannot be asked.
 */
export function drivesFromApi(api: ApiClient): ResolveLocation {
  return createDriveResolver({
    records: {
      get: async (name) => {
        const reply = await api.request("GET", `/api/v1/drives/${encodeURIComponent(name)}`);
        if (reply.status === 404) return undefined;
        if (reply.status !== 200) {
          throw new DriveUnavailableError(
            "DRIVE_INVALID",
            `drive ${JSON.stringify(name)}: the API at ${api.url} answered ${reply.status}`,
          );
        }
        const view = reply.body as Record<string, unknown>;
        const secretsSet = Array.isArray(view.secrets_set) ? view.secrets_set.map(String) : [];
        if (secretsSet.length > 0) {
          throw new DriveUnavailableError(
            "DRIVE_INVALID",
            `drive ${JSON.stringify(name)} keeps its ${secretsSet.join(", ")} in the server's secret store, which the API never gives out: give the drive in a --drives FILE, or run the sync on the server as a config (syncron config run)`,
          );
        }
        return recordOf({
          name,
          type: String(view.type),
          settings: Object.fromEntries(Object.entries(view).filter(([key]) => !VIEW_FIELDS.has(key))),
          secrets_set: [],
          secret_version: null,
        });
      },
    },
    secrets: {
      get: async (name) => {
        throw new DriveUnavailableError("DRIVE_INVALID", `drive ${JSON.stringify(name)} has no secrets here`);
      },
    },
  });
}
