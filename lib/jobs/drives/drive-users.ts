import { parseDriveRef } from "../../drives/drive-ref.ts";
import type { ConfigsPort } from "../ports.ts";

/** Every drive some config names in `source` or `target`, with those configs (id and name), reading all configs page by page. */
export async function drivesUsedBy(
  configs: Pick<ConfigsPort, "list">,
): Promise<Map<string, { id: string; name: string }[]>> {
  const users = new Map<string, { id: string; name: string }[]>();
  let cursor: string | null = null;
  do {
    const page = await configs.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const config of page.items) {
      const names = new Set(
        [config.source, config.target].flatMap((location) => parseDriveRef(location)?.drive ?? []),
      );
      for (const drive of names) {
        users.set(drive, [...(users.get(drive) ?? []), { id: config.id, name: config.name }]);
      }
    }
    cursor = page.next_cursor;
  } while (cursor);
  return users;
}
