import { type Drive, joinPath } from "./drive.ts";

/** What a subtree view stands for: the whole drive and the folder. */
const views = new WeakMap<Drive, { readonly drive: Drive; readonly prefix: string }>();

/**
 * The folder `prefix` of `drive` as a drive of its own (one partition's view of a run fanned out
 * across workers); `""` is the drive itself. Paths in and out are relative to the folder; a
 * server-side copy between two views asks the whole drives, so it stays server-side.
 */
export function under(drive: Drive, prefix: string): Drive {
  if (prefix === "") return drive;
  const inner = (path: string) => joinPath(prefix, path);
  const outer = (path: string) => path.slice(prefix.length + 1);
  const view: Drive = {
    name: `${drive.name}/${prefix}`,
    features: drive.features,
    async *list(dir, options) {
      for await (const entry of drive.list(inner(dir), options)) yield { ...entry, path: outer(entry.path) };
    },
    stat: async (path) => ({ ...(await drive.stat(inner(path))), path }),
    read: (path, options) => drive.read(inner(path), options),
    write: async (path, body, source, options) => ({
      ...(await drive.write(inner(path), body, { ...source, path: inner(path) }, options)),
      path,
    }),
    delete: (path) => drive.delete(inner(path)),
    mkdir: (dir) => drive.mkdir(inner(dir)),
    rmdir: (dir) => drive.rmdir(inner(dir)),
    hash: (path, type) => drive.hash(inner(path), type),
    ...(drive.copyFrom
      ? {
          copyFrom: async (from, source, path, options) => {
            const whole = views.get(from) ?? { drive: from, prefix: "" };
            const copied = await drive.copyFrom?.(
              whole.drive,
              { ...source, path: joinPath(whole.prefix, source.path) },
              inner(path),
              options,
            );
            return copied && { ...copied, path };
          },
        }
      : {}),
    ...(drive.removeStaleTemps
      ? { removeStaleTemps: (dir: string) => drive.removeStaleTemps?.(inner(dir)) ?? Promise.resolve(0) }
      : {}),
    ...(drive.close ? { close: () => drive.close?.() ?? Promise.resolve() } : {}),
  };
  views.set(view, { drive, prefix });
  return view;
}
