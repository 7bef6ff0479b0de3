import { randomBytes } from "node:crypto";
import { createClient } from "webdav";
import type { WebdavDriveOptions } from "./webdav-drive.ts";
import { statusOf, toWebdavDriveError } from "./webdav-errors.ts";

/**
 * Asks the server whether it keeps `X-OC-Mtime` (Nextcloud/ownCloud): PUTs an empty temporary file
 * with the header at the drive's root, reads the `X-OC-MTime: accepted` answer, deletes the file.
 * Use the answer as `vendor` ("nextcloud" when true) for `createWebdavDrive`. Needs write access.
 */
export async function probeWebdavModTime(
  options: Pick<WebdavDriveOptions, "url" | "username" | "password">,
): Promise<boolean> {
  const client = createClient(options.url, {
    ...(options.username !== undefined ? { username: options.username } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
  });
  const probe = `/.syncron-probe-${randomBytes(8).toString("hex")}.tmp`;
  let response: { headers: { get(name: string): string | null } };
  try {
    response = (await client.customRequest(probe, {
      method: "PUT",
      headers: { "Content-Type": "application/octet-stream", "X-OC-Mtime": "1000000000" },
      data: "",
    })) as unknown as typeof response;
  } catch (error) {
    throw toWebdavDriveError(error, "probe", probe.slice(1));
  }
  await client.deleteFile(probe).catch((error: unknown) => {
    if (statusOf(error) !== 404) throw toWebdavDriveError(error, "probe cleanup", probe.slice(1));
  });
  return response.headers.get("x-oc-mtime")?.toLowerCase() === "accepted";
}
