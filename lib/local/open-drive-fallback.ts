// TEMPORARY until lib/drives/open-drive.ts lands: local paths only.

import type { Drive } from "../drives/drive.ts";
import { createLocalDrive } from "../drives/local/local-drive.ts";
import { parseLocation } from "../drives/location.ts";
export function openDrive(location: string, _env: Record<string, string | undefined>): Drive {
  const parsed = parseLocation(location);
  if (parsed.kind !== "local") throw new Error(`not supported yet: ${parsed.kind}`);
  return createLocalDrive({ root: parsed.root });
}
