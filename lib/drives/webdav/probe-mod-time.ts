import { randomBytes } from "node:crypto";
import type { WebdavDriveOptions } from "./webdav-drive.ts";
import { statusOf, toWebdavDriveError } from "./webdav-errors.ts";
import { createWebdavHttp, ocMtimeAccepted } from "./webdav-http.ts";

/**
 * Asks the server whether it keeps `X-OC-Mtime` (Nextcloud/ownCloud): PUTs an empty temporary file
 * with the header at the drive's root, reads the `X-OC-MTime: accepted` answer, deletes the file.
 * Use the answer as `vendor` ("nextcloud" when true) for `createWebdavDrive`. Needs write access.
 */
export async function probeWebdavModTime(
  options: Pick<WebdavDriveOptions, "url" | "username" | "password">,
): Promise<boolean> {
  const http = createWebdavHttp(options);
  const probe = `.syncron-probe-${randomBytes(8).toString("hex")}.tmp`;
  let answer: Awaited<ReturnType<typeof http.send>>;
  try {
    answer = await http.send("PUT", http.urlOf(probe), {
      headers: { "Content-Type": "application/octet-stream", "X-OC-Mtime": "1000000000" },
      body: "",
    });
  } catch (error) {
    throw toWebdavDriveError(error, "probe", probe);
  }
  await http.send("DELETE", http.urlOf(probe)).catch((error: unknown) => {
    if (statusOf(error) !== 404) throw toWebdavDriveError(error, "probe cleanup", probe);
  });
  return ocMtimeAccepted(answer);
}
