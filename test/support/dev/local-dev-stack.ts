import { join } from "node:path";
import { type DevStack, startDevStack } from "../../../lib/dev/dev-stack.ts";
import { localRootsFrom } from "../../../lib/drives/local-roots.ts";

/**
 * A quiet `syncron dev` stack in this process on a free port, its data in `<root>/data`, local
 * folders allowed anywhere under `root`: what a test of a command talking to a running API needs.
 */
export const startLocalDevStack = (root: string): Promise<DevStack> =>
  startDevStack({
    port: 0,
    dataDir: join(root, "data"),
    localRoots: localRootsFrom(root, { roots: [], rule: "unused" }),
    log: () => {},
  });
