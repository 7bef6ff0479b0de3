import { timedTempName } from "../temp-names.ts";
import { OpenListClient, OpenListReplyError, toOpenListError } from "./openlist-client.ts";
import { encodePath, type OpenListDriveOptions } from "./openlist-drive.ts";
import { modTimeOf, type ObjResp } from "./openlist-objects.ts";

/** A mod time far from now (2001-09-09T01:46:40Z), so an upload time cannot pass for it. */
const PROBE_TIME = 1_000_000_000_000;

/**
 * Asks the storage behind `root` whether it keeps the mod time an upload sends: PUTs an empty
 * temporary file (hidden from listings) with `Last-Modified` set to 2001, lists the folder with
 * `refresh` (so the storage answers, not OpenList's cache), compares, removes the file. Use the answer
 * as `keepsModTimes`. Needs write access to `root`.
 */
export async function probeOpenListModTime(
  options: Pick<OpenListDriveOptions, "url" | "root" | "username" | "password" | "token">,
): Promise<boolean> {
  const client = new OpenListClient(options.url, options);
  const root = `/${(options.root ?? "/").split("/").filter(Boolean).join("/")}`;
  const name = timedTempName("probe");
  const path = root === "/" ? `/${name}` : `${root}/${name}`;
  try {
    await client.authorized(async (token) => {
      const response = await client.fetch("/api/fs/put", {
        method: "PUT",
        headers: {
          Authorization: token,
          "File-Path": encodePath(path),
          "Last-Modified": String(PROBE_TIME),
          "Content-Length": "0",
        },
        body: "",
      });
      const reply = (await response.json()) as { code: number; message: string };
      if (reply.code !== 200) throw new OpenListReplyError(reply.code, reply.message);
    });
    const listing = await client.call<{ content: ObjResp[] | null }>("/api/fs/list", {
      path: root,
      refresh: true,
    });
    const probe = (listing.content ?? []).find((obj) => obj.name === name);
    const modTime = probe ? modTimeOf(probe) : undefined;
    return modTime !== undefined && Math.abs(modTime - PROBE_TIME) < 2000;
  } catch (error) {
    throw toOpenListError(error, "probe", name);
  } finally {
    await client.call("/api/fs/remove", { dir: root, names: [name] }).catch(() => {});
  }
}
