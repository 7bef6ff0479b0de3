/**
 * File I/O on descriptors for the local drive, through Node's callback API: it costs less CPU per
 * call than FileHandle promises, and copying many small files is CPU-bound on a busy machine
 * (bench/, BENCHMARKS.md). Everything stays asynchronous, so a cold or slow disk is read and
 * written by the thread pool in parallel, never on the event loop.
 */
import { close, fstat, futimes, open, read, rename, write } from "node:fs";
import { promisify } from "node:util";

/** Reads take at most this much per call: a small file is one read, a large one streams in 1 MiB chunks. */
const CHUNK = 1 << 20;

export const openFd = promisify(open);
export const fstatFd = promisify(fstat);
export const futimesFd = promisify(futimes);
export const closeFd = promisify(close);
export const renameFile = promisify(rename);

const writeAsync = (fd: number, bytes: Uint8Array, offset: number): Promise<number> =>
  new Promise((resolve, reject) =>
    write(fd, bytes, offset, bytes.byteLength - offset, null, (error, n) =>
      error ? reject(error) : resolve(n),
    ),
  );

/** The first read of a file, started together with its fstat: most files end within it. */
export const FIRST_READ = 64 * 1024;

/** One read into `buffer` at the file's position: resolves to the bytes read (0 at the end). */
export const readInto = (fd: number, buffer: Buffer): Promise<number> =>
  new Promise((resolve, reject) =>
    read(fd, buffer, 0, buffer.length, null, (error, n) => (error ? reject(error) : resolve(n))),
  );

/**
 * An open file as a web stream, read on demand: `first` is a read already under way (into a buffer
 * one byte larger than a small file, so its end shows in that one call), then 1 MiB per pull until a
 * read comes back short. The descriptor is closed at the end, on cancel, on an error and on abort.
 * `toError` converts a read error.
 */
export function fdStream(
  fd: number,
  first: { buffer: Buffer; bytes: Promise<number> },
  toError: (error: unknown) => unknown,
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  let pending: { buffer: Buffer; bytes: Promise<number> } | undefined = first;
  let open = true;
  let fail: (reason: unknown) => void = () => undefined;
  const finish = (): void => {
    if (!open) return;
    open = false;
    signal?.removeEventListener("abort", onAbort);
    // A read still under way must end before the descriptor closes (its number could be reused).
    void (pending?.bytes ?? Promise.resolve(0)).catch(() => 0).then(() => close(fd, () => undefined));
  };
  const onAbort = (): void => {
    fail(signal?.reason);
    finish();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      fail = (reason) => {
        if (open) controller.error(reason);
      };
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    },
    async pull(controller) {
      if (!open) return;
      const chunk =
        pending ??
        (() => {
          const buffer = Buffer.allocUnsafe(CHUNK);
          return { buffer, bytes: readInto(fd, buffer) };
        })();
      pending = chunk;
      try {
        const n = await chunk.bytes;
        pending = undefined;
        if (!open) return;
        if (n > 0) controller.enqueue(n === chunk.buffer.length ? chunk.buffer : chunk.buffer.subarray(0, n));
        if (n < chunk.buffer.length) {
          finish();
          controller.close();
        }
      } catch (error) {
        pending = undefined;
        fail(toError(error));
        finish();
      }
    },
    cancel: finish,
  });
}

/**
 * Writes a web stream into an open file until its end or an abort, one chunk in flight
 * (backpressure). Resolves to the bytes written.
 */
export async function pump(
  body: ReadableStream<Uint8Array>,
  fd: number,
  signal?: AbortSignal,
  /** Sees each chunk (and the total with it) before it is written; throwing stops the write. */
  onChunk?: (chunk: Uint8Array, total: number) => void,
): Promise<number> {
  const reader = body.getReader();
  const abort = (): void => void reader.cancel(signal?.reason).catch(() => undefined);
  signal?.addEventListener("abort", abort, { once: true });
  let total = 0;
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      onChunk?.(value, total + value.byteLength);
      for (let offset = 0; offset < value.byteLength; ) {
        offset += await writeAsync(fd, value, offset);
      }
      total += value.byteLength;
    }
    signal?.throwIfAborted();
    return total;
  } finally {
    signal?.removeEventListener("abort", abort);
    reader.releaseLock();
  }
}

/** Closes a descriptor, ignoring errors (cleanup after a failure: the first error is the one to report). */
export const closeQuietly = (fd: number): void => close(fd, () => undefined);
