/** An OpenList test server with a `local` and a `cloud` storage in temp folders, and drives on it. */
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Drive } from "../../../lib/drives/drive.ts";
import {
  createOpenListDrive,
  type OpenListDriveOptions,
} from "../../../lib/drives/openlist/openlist-drive.ts";
import { tempDir } from "../temp-dir.ts";
import {
  type MountSpec,
  type OpenListTestServer,
  type OpenListTestServerOptions,
  startOpenListTestServer,
} from "./openlist-test-server.ts";

export interface OpenListFixture {
  readonly server: OpenListTestServer;
  /** Disk folders by mount path. */
  readonly disks: Record<string, string>;
  /** A drive in a new, empty folder of `mount` (created), with login credentials. */
  drive(mount: string, options?: Partial<OpenListDriveOptions>): Promise<Drive>;
  stop(): Promise<void>;
}

let folders = 0;

export type OpenListFixtureOptions = Partial<OpenListTestServerOptions> & {
  /** Storages by mount path. */
  readonly profiles?: Record<string, Omit<MountSpec, "root" | "mountPath">>;
};

/** Starts a server with the given storages (default: `/local` local, `/local2` local, `/cloud` cloud). */
export async function startOpenListFixture(options: OpenListFixtureOptions = {}): Promise<OpenListFixture> {
  const base = await tempDir("syncron-openlist-");
  const profiles = options.profiles ?? {
    "/local": { profile: "local" },
    "/local2": { profile: "local" },
    "/cloud": { profile: "cloud" },
  };
  const mounts: MountSpec[] = [];
  const disks: Record<string, string> = {};
  for (const [mountPath, spec] of Object.entries(profiles)) {
    const root = join(base, mountPath.replaceAll("/", "_"));
    await mkdir(root, { recursive: true });
    mounts.push({ ...spec, mountPath, root });
    disks[mountPath] = root;
  }
  const server = await startOpenListTestServer({ ...options, mounts });
  return {
    server,
    disks,
    async drive(mount, driveOptions = {}) {
      const drive = createOpenListDrive({
        url: server.url,
        username: "admin",
        password: "secret",
        root: `${mount}/t${++folders} ü`,
        keepsModTimes: profiles[mount]?.profile === "local",
        ...driveOptions,
      });
      await drive.mkdir("");
      return drive;
    },
    async stop() {
      await server.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}
