/**
 * Child process for the leftover tests: writes `<root>/<path>` through the local drive from a body
 * that never ends (a chunk every 50 ms), so its temporary file stays on disk until the process is
 * killed. Usage: node --import tsx endless-writer.ts <root> <path>
 */
import { createLocalDrive } from "../../../lib/drives/local/local-drive.ts";

const [root, path] = process.argv.slice(2) as [string, string];
const chunk = new Uint8Array(1024).fill(120);
const body = new ReadableStream<Uint8Array>({
  pull: (controller) =>
    new Promise((resolve) =>
      setTimeout(() => {
        controller.enqueue(chunk);
        resolve();
      }, 50),
    ),
});
await createLocalDrive({ root }).write(path, body, { path, size: 1 << 30 });
