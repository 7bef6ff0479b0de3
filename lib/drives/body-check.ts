/** The check both HTTP drives put between a source's stream and the upload. */
import { createHash, type Hash } from "node:crypto";
import { Transform } from "node:stream";
import type { FileInfo } from "./drive.ts";
import { DriveError } from "./errors.ts";

/** A pass-through that fails unless the body is the file the source listed; `md5()` once it ended. */
export interface BodyCheck extends Transform {
  /** The body's md5 (hex), when asked for with `md5: true`; only after the stream ended. */
  md5(): string | undefined;
  /** Bytes passed through so far. */
  size(): number;
}

/**
 * Passes the body through, failing the stream (so the upload is abandoned and the previous file
 * stays) as soon as it holds more bytes than `source.size`, and at its end when it holds fewer, or
 * when its md5 differs from `source.hashes.md5` (the file changed since it was listed, or a read
 * ended early). A body that never ends would otherwise leave a server waiting for bytes that
 * never come. `drive` and `path` go into the error message. A body that ended short is retryable
 * (rclone retries an unexpected EOF): the engine reads the file again.
 */
export function checkBody(
  drive: string,
  path: string,
  source: FileInfo,
  options: { md5?: boolean } = {},
): BodyCheck {
  const expectedSize = Number.isSafeInteger(source.size) && source.size >= 0 ? source.size : undefined;
  const expectedMd5 = source.hashes?.md5?.toLowerCase();
  const hash: Hash | undefined = options.md5 || expectedMd5 ? createHash("md5") : undefined;
  let size = 0;
  let digest: string | undefined;
  const mismatch = (what: string, retryable = false) =>
    new DriveError(`${drive} write "${path}": ${what}; previous file kept`, path, { retryable });
  const check = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (expectedSize !== undefined && size > expectedSize) {
        callback(mismatch(`the body is longer than the ${expectedSize} bytes the source listed`));
        return;
      }
      hash?.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      digest = hash?.digest("hex");
      if (expectedSize !== undefined && size < expectedSize) {
        // A read that ended early (a cut connection, a cancelled stream): a new read may get it all.
        callback(
          mismatch(`the body ended after ${size} of the ${expectedSize} bytes the source listed`, true),
        );
      } else if (expectedMd5 !== undefined && digest !== expectedMd5) {
        callback(mismatch(`the body's md5 is ${digest} but the source listed ${expectedMd5}`));
      } else callback();
    },
  });
  return Object.assign(check, { md5: () => digest, size: () => size });
}
