import { createHash } from "node:crypto";
import { type Location, parseLocation } from "../../drives/location.ts";
import type { DriveFields } from "../../drives/types/drive-type.ts";
import { driveTypeOf } from "../../drives/types/registry.ts";
import type { SyncConfig } from "../../store/sync-config.ts";
import type { JobLog } from "../deps.ts";
import type { ConfigsPort } from "../ports.ts";
import type { DriveDeps } from "./deps.ts";
import { createDrive } from "./write-drive.ts";

/** What a migration did: configs rewritten to `name:path`, and the drives it created. */
export interface MigrationResult {
  readonly configs_migrated: number;
  readonly drives_created: string[];
}

/** The drive a credential-carrying location needs, and the path inside it; undefined for one without credentials. */
function driveOf(location: Location): { fields: DriveFields; path: string } | undefined {
  if (
    location.kind === "s3" &&
    location.accessKeyId !== undefined &&
    location.secretAccessKey !== undefined
  ) {
    return {
      fields: {
        type: "s3",
        ...(location.endpoint !== undefined ? { endpoint: location.endpoint } : {}),
        ...(location.region !== undefined ? { region: location.region } : {}),
        ...(location.forcePathStyle !== undefined ? { path_style: location.forcePathStyle } : {}),
        access_key_id: location.accessKeyId,
        secret_access_key: location.secretAccessKey,
      },
      path: [location.bucket, location.prefix].filter((part) => part !== "").join("/"),
    };
  }
  if (location.kind === "webdav" && (location.username !== undefined || location.password !== undefined)) {
    const url = new URL(location.url);
    return {
      fields: {
        type: "webdav",
        url: url.origin,
        ...(location.username !== undefined ? { username: location.username } : {}),
        ...(location.password !== undefined ? { password: location.password } : {}),
        ...(location.vendor !== undefined ? { vendor: location.vendor } : {}),
      },
      path: url.pathname.split("/").filter(Boolean).map(decodeURIComponent).join("/"),
    };
  }
  return undefined;
}

/** One name per distinct credential: the type, the host, and a hash of every field (secrets included, never shown). */
function nameOf(fields: DriveFields): string {
  const hash = createHash("sha256").update(JSON.stringify(fields)).digest("hex").slice(0, 10);
  const where = String(fields.type === "s3" ? (fields.endpoint ?? "aws") : fields.url)
    .replace(/^https?:\/\//, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 30);
  return `${fields.type}-${where}-${hash}`.replace(/-+/g, "-");
}

/** Credentials come with S3 and WebDAV locations only: a migration never makes a local drive. */
const MIGRATION_ROOTS = { roots: [], rule: "a migration makes no local drive" } as const;

/**
 * Moves credentials out of stored configs into drives: each location URL that carries credentials
 * (an S3 key pair, a WebDAV user or password) becomes `name:path` on a drive holding them, one drive
 * per distinct credential, its secrets in the secret store. The drive is written before the config,
 * so a config is never left pointing at nothing; a second run finds nothing to do (names are
 * derived from the credential, so an interrupted run reuses the drive it made). Logs counts and
 * names, never a secret.
 */
export async function migrateConfigCredentials(deps: {
  configs: Pick<ConfigsPort, "list" | "update">;
  drives: DriveDeps;
  log?: JobLog | undefined;
}): Promise<MigrationResult> {
  const created: string[] = [];
  let migrated = 0;
  const all: SyncConfig[] = [];
  let cursor: string | null = null;
  do {
    const page = await deps.configs.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);

  for (const config of all) {
    const patch: Partial<Pick<SyncConfig, "source" | "target">> = {};
    for (const field of ["source", "target"] as const) {
      let location: Location;
      try {
        location = parseLocation(config[field]);
      } catch {
        continue; // the worker refuses it (INVALID_LOCATION); nothing to move
      }
      const wanted = driveOf(location);
      if (!wanted) continue;
      const name = nameOf(wanted.fields);
      if (!(await deps.drives.records.get(name))) {
        const type = driveTypeOf(String(wanted.fields.type));
        if (!type) continue;
        await createDrive(type, { name, ...wanted.fields }, { ...deps, localRoots: MIGRATION_ROOTS });
        created.push(name);
      }
      patch[field] = `${name}:${wanted.path === "" ? "/" : `/${wanted.path}`}`;
    }
    if (Object.keys(patch).length === 0) continue;
    await deps.configs.update(config.id, patch);
    migrated++;
    deps.log?.("info", "config migrated to drives", { config_id: config.id, fields: Object.keys(patch) });
  }
  if (migrated > 0 || created.length > 0) {
    deps.log?.("info", "credentials moved into drives", {
      configs_migrated: migrated,
      drives_created: created,
    });
  }
  return { configs_migrated: migrated, drives_created: created };
}
