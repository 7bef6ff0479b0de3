import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import * as z from "../../util/zod.ts";
import {
  assertDriveName,
  SecretNotFoundError,
  type SecretStore,
  SecretStoreError,
  type Secrets,
} from "../secret-store.ts";

/** The file's name in the dev data folder. */
export const SECRET_FILE_NAME = "secrets.json";

/** Versions of one drive's secrets kept besides the latest, so a record written just before a rotation still reads. */
const KEPT_VERSIONS = 3;

const FileSchema = z.object({
  drives: z.record(
    z.string(),
    z.object({
      next: z.number().int().min(1),
      versions: z.record(z.string(), z.record(z.string(), z.string())),
    }),
  ),
});
type SecretFile = z.output<typeof FileSchema>;

/**
 * The local secret store of `syncron dev`: one JSON file, mode 0600, written atomically (a temp
 * file of mode 0600 renamed over it), kept apart from the emulated DynamoDB. A file readable by
 * group or others is refused, as ssh refuses such a key. Writes from one process are serialised;
 * the dev stack's data-folder lock keeps other processes out.
 */
export function createFileSecretStore(options: { path: string }): SecretStore {
  const { path } = options;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };

  const load = async (): Promise<SecretFile> => {
    let text: string;
    try {
      const info = await stat(path);
      if ((info.mode & 0o077) !== 0) {
        throw new SecretStoreError(
          `secret file ${path} is readable by others (mode ${(info.mode & 0o777).toString(8)}): chmod 600 it`,
        );
      }
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { drives: {} };
      if (error instanceof SecretStoreError) throw error;
      throw new SecretStoreError(`cannot read the secret file ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    try {
      return FileSchema.parse(JSON.parse(text));
    } catch {
      // Never quote the content: it is secrets.
      throw new SecretStoreError(`the secret file ${path} is not a syncron secret file`);
    }
  };

  const save = async (file: SecretFile): Promise<void> => {
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(file, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await chmod(temp, 0o600);
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  };

  return {
    put: (name, secrets) =>
      serial(async () => {
        assertDriveName(name);
        const file = await load();
        const entry = file.drives[name] ?? { next: 1, versions: {} };
        const version = String(entry.next);
        const versions = { ...entry.versions, [version]: { ...secrets } };
        const kept = Object.keys(versions)
          .sort((a, b) => Number(b) - Number(a))
          .slice(0, KEPT_VERSIONS + 1);
        file.drives[name] = {
          next: entry.next + 1,
          versions: Object.fromEntries(kept.map((v) => [v, versions[v] as Record<string, string>])),
        };
        await save(file);
        return version;
      }),

    async get(name, version): Promise<Secrets> {
      assertDriveName(name);
      const secrets = (await load()).drives[name]?.versions[version];
      if (!secrets)
        throw new SecretNotFoundError(`drive ${JSON.stringify(name)} has no secrets at version ${version}`);
      return secrets;
    },

    delete: (name) =>
      serial(async () => {
        assertDriveName(name);
        const file = await load();
        if (!(name in file.drives)) return;
        delete file.drives[name];
        await save(file);
      }),
  };
}
