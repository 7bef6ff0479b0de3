import {
  DirectoryNotEmptyError,
  DirectoryNotFoundError,
  DriveError,
  FileNotFoundError,
  InvalidPathError,
  IsADirectoryError,
} from "../errors.ts";

/** Codes a retry can fix: too many open files, a busy file, an interrupted or would-block call. */
const RETRYABLE = new Set(["EMFILE", "ENFILE", "EBUSY", "EAGAIN", "EINTR", "ETIMEDOUT"]);

const isNodeError = (error: unknown): error is NodeJS.ErrnoException =>
  error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === "string";

/**
 * Converts a Node file-system error into the drive's typed errors, keeping it as `cause`. `expected`
 * says what the caller was after, so ENOENT becomes FileNotFoundError or DirectoryNotFoundError.
 * Errors that did not come from a syscall (a broken source body, an abort) are returned unchanged,
 * so the engine still sees the source's own (possibly retryable) error.
 */
export function fromNodeError(error: unknown, path: string, expected: "file" | "directory"): unknown {
  if (error instanceof DriveError || !isNodeError(error)) return error;
  const options = { cause: error };
  const what = expected === "file" ? "file" : "directory";
  // The root's path is "": say so, rather than "directory  not found".
  const named = path === "" ? "the root folder" : `${what} ${path}`;
  switch (error.code) {
    case "ENOENT":
    case "ENOTDIR": {
      // ENOTDIR: a file stands where a folder is needed (the path, or a folder above it).
      const notFolder =
        path === ""
          ? "the root is a file, not a folder"
          : `${path} is not a folder: it, or one above it, is a file`;
      const message = error.code === "ENOTDIR" ? notFolder : `${named} not found`;
      return expected === "file"
        ? new FileNotFoundError(message, path, options)
        : new DirectoryNotFoundError(message, path, options);
    }
    case "EISDIR":
      return new IsADirectoryError(`${path} is a directory`, path, options);
    case "ENOTEMPTY":
      return new DirectoryNotEmptyError(`directory ${path} is not empty`, path, options);
    case "ENAMETOOLONG":
    case "ELOOP":
      return new InvalidPathError(`path ${path} is too long or loops (${error.code})`, path, options);
    default: {
      const retryable = RETRYABLE.has(error.code ?? "");
      return new DriveError(`${error.code ?? "error"} on ${named}: ${error.message}`, path, {
        ...options,
        retryable,
      });
    }
  }
}
