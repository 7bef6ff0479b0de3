import type { Drive, Entry } from "../../../lib/drives/drive.ts";

/** A web stream of `data` in chunks of `chunkSize`, so drives see more than one chunk. */
export const streamOf = (data: Uint8Array, chunkSize = 64 * 1024): ReadableStream<Uint8Array> => {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= data.length) return controller.close();
      controller.enqueue(data.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
};

/** Reads a whole web stream into one buffer (tests only: small files). */
export const readBytes = async (stream: ReadableStream<Uint8Array>): Promise<Uint8Array> => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
};

/** All entries of one directory, sorted by path. */
export const listAll = async (drive: Drive, dir: string): Promise<Entry[]> => {
  const entries: Entry[] = [];
  for await (const entry of drive.list(dir)) entries.push(entry);
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
};
