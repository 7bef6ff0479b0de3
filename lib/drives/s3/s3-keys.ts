/** Maps drive paths to object keys under a prefix. */
export class S3Keys {
  readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = prefix.replace(/^\/+|\/+$/g, "");
  }

  /** The object key of a file. */
  file(path: string): string {
    return this.prefix && path ? `${this.prefix}/${path}` : this.prefix || path;
  }

  /** The key prefix (ending in `/`, or `""` for an unprefixed root) a directory's children share. */
  dir(path: string): string {
    const key = this.file(path);
    return key ? `${key}/` : "";
  }

  /** Whether a key remainder is one plain name (no slash, not `.`/`..`, not empty). */
  isName(child: string): boolean {
    return child !== "" && child !== "." && child !== ".." && !child.includes("/");
  }

  join(dir: string, child: string): string {
    return dir ? `${dir}/${child}` : child;
  }
}
