import { realpath } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { checkPath } from "../drive.ts";
import { InvalidPathError } from "../errors.ts";

/**
 * Maps drive paths to absolute paths under one root and refuses any that would leave it: `..`,
 * absolute paths and NUL are rejected by `checkPath`; symlinks are followed only if what they point
 * to (checked with realpath on the nearest existing ancestor) is still inside the root — or inside
 * `within`, the folder the root is part of (a named drive's root), which the root itself must not
 * leave either.
 */
export class RootPaths {
  readonly root: string;
  readonly #within: string;
  #realRoot: string | undefined;

  constructor(root: string, within: string = root) {
    this.root = resolve(root);
    this.#within = resolve(within);
  }

  /** The absolute path for `path`, after checking it stays inside the root. Throws InvalidPathError. */
  async resolve(path: string, options: { allowRoot?: boolean } = {}): Promise<string> {
    checkPath(path, options);
    const absolute = path === "" ? this.root : join(this.root, ...path.split("/"));
    const realRoot = await this.#rootReal();
    if (realRoot === undefined) return absolute; // nothing exists yet, so no symlink can lead out
    for (let current = absolute; ; current = dirname(current)) {
      const real = await realpath(current).catch(() => undefined);
      if (real !== undefined) {
        if (real !== realRoot && !real.startsWith(realRoot + sep)) {
          throw new InvalidPathError(`path ${path || "/"} resolves outside the drive root`, path);
        }
        return absolute;
      }
      if (current === this.#within || dirname(current) === current) return absolute;
    }
  }

  /** The drive path of an absolute path under the root. */
  relative(absolute: string): string {
    return absolute === this.root
      ? ""
      : absolute
          .slice(this.root.length + 1)
          .split(sep)
          .join("/");
  }

  async #rootReal(): Promise<string | undefined> {
    this.#realRoot ??= await realpath(this.#within).catch(() => undefined);
    return this.#realRoot;
  }
}
