import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { listAll, streamOf } from "../../../test/support/drives/streams.ts";
import { DriveError } from "../errors.ts";
import { createWebdavDrive } from "./webdav-drive.ts";

/**
 * The WebDAV drive against servers that misbehave the ways real ones do (scripted, real sockets):
 * a refusal before the body is read, no answer at all, an answer that stops, a Depth: 1 ignored.
 */
const servers: { close(done: () => void): void }[] = [];
const sockets = new Set<Socket>();
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise<void>((done) => server.close(() => done()))));
});

const listen = async (server: Server): Promise<string> => {
  servers.push(server);
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const serve = (handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> =>
  listen(createHttpServer(handler) as unknown as Server);

/** One `<response>` of a multistatus: a folder, or a file of 3 bytes. */
const item = (href: string, folder: boolean): string =>
  `<D:response><D:href>${href}</D:href><D:propstat><D:prop><D:resourcetype>${folder ? "<D:collection/>" : ""}</D:resourcetype>` +
  `<D:getcontentlength>${folder ? "" : 3}</D:getcontentlength></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>`;
const multistatus = (...items: string[]): string =>
  `<D:multistatus xmlns:D="DAV:">${items.join("")}</D:multistatus>`;
const folderAnswer = (href: string): string => multistatus(item(href, true));

/** Resolves "settled" when `promise` settles within `ms`, "still waiting" otherwise (a hang fails, not times out). */
const within = (promise: Promise<unknown>, ms: number): Promise<"settled" | "still waiting"> =>
  Promise.race([
    promise.then(
      () => "settled" as const,
      () => "settled" as const,
    ),
    new Promise<"still waiting">((done) => setTimeout(() => done("still waiting"), ms).unref()),
  ]);

describe("webdav drive against misbehaving servers", () => {
  /**
   * A raw server: answers folders' PROPFINDs, 404 to the rest, and `putAnswer` to a PUT as soon as
   * its headers are in, keeping the connection open without reading the body (as proxies and quota
   * checks do), then reads and drops what came, to see the client's end of the connection.
   */
  const earlyAnswerServer = async (putAnswer: string) => {
    const seen = { methods: [] as string[], putClosed: undefined as Promise<void> | undefined };
    const origin = await listen(
      createServer((socket) => {
        let buffered = "";
        const onData = (data: Buffer) => {
          buffered += data.toString("latin1");
          for (let end = buffered.indexOf("\r\n\r\n"); end >= 0; end = buffered.indexOf("\r\n\r\n")) {
            const head = buffered.slice(0, end);
            const [method = "", url = ""] = head.split(" ");
            seen.methods.push(method);
            const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
            if (method === "PUT") {
              socket.off("data", onData);
              socket.pause(); // does not read the body before answering
              seen.putClosed = new Promise((done) => socket.once("close", () => done()));
              socket.write(`HTTP/1.1 ${putAnswer}\r\nContent-Length: 0\r\n\r\n`);
              setTimeout(() => socket.on("data", () => {}).resume(), 500).unref();
              return;
            }
            if (buffered.length - end - 4 < length) return;
            buffered = buffered.slice(end + 4 + length);
            const body = method === "PROPFIND" && !url.endsWith(".bin") ? folderAnswer(url) : "";
            const status = body ? "207 Multi-Status" : "404 Not Found";
            socket.write(`HTTP/1.1 ${status}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
          }
        };
        socket.on("data", onData);
      }),
    );
    return { origin, seen };
  };

  it.each([
    ["refused (507)", "507 Insufficient Storage", /507/],
    ["accepted (201, the body unread: the file would be cut short)", "201 Created", /answered 201 before/],
  ])(
    "fails a PUT the server answered before reading its body, %s, and drops its connection",
    async (_case, answer, message) => {
      const { origin, seen } = await earlyAnswerServer(answer);
      const drive = createWebdavDrive({ url: `${origin}/dav` });
      const size = 16 * 1024 * 1024; // far more than the socket buffers take in
      const error = await drive
        .write("big.bin", streamOf(new Uint8Array(size), 1024 * 1024), { path: "big.bin", size })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DriveError);
      expect((error as Error).message).toMatch(message);
      expect(seen.methods).not.toContain("MOVE"); // the previous file stays
      expect(seen.putClosed).toBeDefined();
      expect(await within(seen.putClosed!, 5_000)).toBe("settled"); // no socket left busy, half-sent
    },
  );

  it("fails a call the server never answers, an answer that stops and a read that stops, as retryable", async () => {
    const origin = await serve((req, res) => {
      if (req.url === "/dav/silent/") return; // accepts, never answers
      res.writeHead(req.method === "PROPFIND" ? 207 : 200);
      res.write(req.method === "PROPFIND" ? '<D:multistatus xmlns:D="DAV:"><D:response>' : "first bytes ");
      // and then nothing more
    });
    const drive = createWebdavDrive({ url: `${origin}/dav`, idleTimeoutMs: 1_500 });
    for (const folder of ["silent", "stalled"]) {
      const outcome = listAll(drive, folder).catch((e: unknown) => e);
      expect(await within(outcome, 5_000)).toBe("settled");
      const error = await outcome;
      expect(error).toBeInstanceOf(DriveError);
      expect(error).toMatchObject({ retryable: true, message: expect.stringMatching(/no data for 1\.5 s/) });
    }
    const reader = (await drive.read("stalled.bin")).getReader();
    expect(Buffer.from((await reader.read()).value!).toString()).toBe("first bytes ");
    const rest = reader.read().catch((e: unknown) => e);
    expect(await within(rest, 5_000)).toBe("settled");
    expect(await rest).toMatchObject({ message: expect.stringMatching(/no data for 1\.5 s/) });
  });

  it("lists a folder's own entries only, from a server that ignores Depth: 1 and answers the whole tree", async () => {
    const origin = await serve((_req, res) => {
      res.writeHead(207, { "Content-Type": "application/xml" });
      res.end(
        multistatus(
          ...[item("/dav/", true), item("/dav/a.txt", false), item("/dav/sub/", true)],
          ...[
            item("/dav/sub/a.txt", false),
            item("/dav/sub/deeper/", true),
            item("/dav/sub/deeper/b.txt", false),
          ],
        ),
      );
    });
    const drive = createWebdavDrive({ url: `${origin}/dav` });
    expect((await listAll(drive, "")).map((entry) => `${entry.kind} ${entry.path}`).sort()).toEqual([
      "directory sub",
      "file a.txt",
    ]);
  });

  it("refuses a listing that names something outside the folder, or a name that is no path segment", async () => {
    const answers: Record<string, string> = {
      "/dav/outside": "/elsewhere/x.txt",
      "/dav/dots": "/dav/dots/..",
    };
    const origin = await serve((req, res) => {
      res.writeHead(207, { "Content-Type": "application/xml" });
      res.end(multistatus(item(req.url ?? "", true), item(answers[req.url ?? ""] ?? "", false)));
    });
    const drive = createWebdavDrive({ url: `${origin}/dav` });
    await expect(listAll(drive, "outside")).rejects.toThrow(/\/elsewhere\/x\.txt.*outside/);
    await expect(listAll(drive, "dots")).rejects.toThrow(/"\.\."/);
  });

  it("fails a listing answered 200 with a web page (a proxy's sign-in), rather than listing an empty folder", async () => {
    const origin = await serve((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<html><head><title>Sign in</title></head><body><p>Sign in to continue</p></body></html>");
    });
    const drive = createWebdavDrive({ url: `${origin}/dav` });
    const error = await listAll(drive, "").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriveError);
    expect((error as Error).message).toMatch(/not a WebDAV multistatus: its root is <html>/);
  });
});
