import type { Drive } from "../../../lib/drives/drive.ts";

/** Bytes that passed through this process: read from a drive, and streamed into `write`. */
export interface ByteCount {
  read: number;
  written: number;
}

/**
 * Counts the bytes `drive.read` hands out and `drive.write` takes in, in place (the drive keeps its
 * identity, so `copyFrom` still recognises it as its peer). A server-side copy counts 0.
 */
export function countBytes(drive: Drive): ByteCount {
  const count: ByteCount = { read: 0, written: 0 };
  const tally = (key: keyof ByteCount) =>
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        count[key] += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
  const read = drive.read.bind(drive);
  const write = drive.write.bind(drive);
  drive.read = async (path, options) => (await read(path, options)).pipeThrough(tally("read"));
  drive.write = (path, body, source, options) =>
    write(path, body.pipeThrough(tally("written")), source, options);
  return count;
}
