import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { listAll, readBytes } from "../../../test/support/drives/streams.ts";
import { AuthenticationError, DirectoryNotFoundError, isRetryable } from "../errors.ts";
import { createWebdavDrive } from "./webdav-drive.ts";
import { createWebdavHttp } from "./webdav-http.ts";

/**
 * The WebDAV drive's HTTP against scripted servers (real sockets), for what real servers do but the
 * test servers do not: chunked answers cut anywhere, hrefs in every form, per-item 404s, redirects.
 */
const servers: Server[] = [];
afterAll(() =>
  Promise.all(
    servers.map(
      (server) =>
        new Promise((done) => {
          server.closeAllConnections();
          server.close(done);
        }),
    ),
  ),
);

const serve = async (handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> => {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ok = "<D:status>HTTP/1.1 200 OK</D:status>";
const fileXml = (href: string, size: number) =>
  `<D:response><D:href>${href}</D:href><D:propstat><D:prop><D:resourcetype/><D:getcontentlength>${size}</D:getcontentlength>` +
  `<D:getlastmodified>Tue, 01 Dec 2026 15:00:00 GMT</D:getlastmodified></D:prop>${ok}</D:propstat></D:response>`;
const folderXml = (href: string) =>
  `<D:response><D:href>${href}</D:href><D:propstat><D:prop><D:resourcetype><D:collection/></D:resourcetype></D:prop>${ok}</D:propstat></D:response>`;

describe("webdav drive over HTTP", () => {
  it("lists a chunked PROPFIND answer cut mid-tag and mid-character, whatever form its hrefs take", async () => {
    let origin = "";
    const requests: string[] = [];
    origin = await serve(async (req, res) => {
      requests.push(`${req.method} ${req.url} depth=${req.headers.depth}`);
      const xml = Buffer.from(
        '<?xml version="1.0" encoding="utf-8"?><D:multistatus xmlns:D="DAV:">' +
          folderXml("/dav/my%20files/") +
          fileXml(`${origin}/dav/my%20files/%E7%85%A7%E7%89%87%20%231.jpg`, 11) + // absolute URL, CJK, #
          fileXml("/dav/my%20files/100%25%3F.txt", 22) + // absolute path, % and ?
          fileXml("relative%20name.txt", 33) + // relative to the folder
          folderXml("/dav/my%20files/sub%20dir/") +
          `<D:response><D:href>/dav/my%20files/gone.txt</D:href><D:status>HTTP/1.1 404 Not Found</D:status></D:response>` +
          "</D:multistatus>",
      );
      res.writeHead(207, { "Content-Type": "application/xml; charset=utf-8" }); // no length: chunked
      // Bytes of 7: tags and the three-byte characters of 照片 fall across chunks.
      for (let at = 0; at < xml.length; at += 7) {
        res.write(xml.subarray(at, at + 7));
        if (at % 700 === 0) await sleep(1);
      }
      res.end();
    });
    const drive = createWebdavDrive({ url: `${origin}/dav/my%20files` });
    const listed = (await listAll(drive, "")).map(({ kind, path, ...rest }) => ({
      kind,
      path,
      size: "size" in rest ? rest.size : undefined,
    }));
    expect(listed.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { kind: "file", path: "100%?.txt", size: 22 },
      { kind: "file", path: "relative name.txt", size: 33 },
      { kind: "directory", path: "sub dir", size: undefined },
      { kind: "file", path: "照片 #1.jpg", size: 11 },
    ]);
    expect(requests).toEqual(["PROPFIND /dav/my%20files/ depth=1"]);
  });

  it("follows a GET redirect to another server without sending it the credentials", async () => {
    const seen: (string | undefined)[] = [];
    const blobs = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.end("bytes from the blob store");
    });
    const dav = await serve((req, res) => {
      if (req.headers.authorization !== `Basic ${Buffer.from("alice:s3cret").toString("base64")}`) {
        res.writeHead(401, { "WWW-Authenticate": 'Basic realm="dav"' }).end();
      } else if (req.url === "/dav/here.txt") res.writeHead(301, { Location: "/dav/moved.txt" }).end();
      else if (req.url === "/dav/moved.txt") res.end("moved on the same server");
      else res.writeHead(302, { Location: `${blobs}/signed?token=t` }).end();
    });
    const drive = createWebdavDrive({ url: `${dav}/dav`, username: "alice", password: "s3cret" });
    expect(Buffer.from(await readBytes(await drive.read("a.txt"))).toString()).toBe(
      "bytes from the blob store",
    );
    expect(seen).toEqual([undefined]);
    expect(Buffer.from(await readBytes(await drive.read("here.txt"))).toString()).toBe(
      "moved on the same server",
    );
    const wrong = createWebdavDrive({ url: `${dav}/dav`, username: "alice", password: "wrong" });
    await expect(wrong.read("a.txt")).rejects.toBeInstanceOf(AuthenticationError);
  });

  it("stops a listing and a read when their signal aborts", async () => {
    let listingAnswered = () => {};
    const answering = new Promise<void>((resolve) => (listingAnswered = resolve));
    const origin = await serve(async (req, res) => {
      res.writeHead(req.method === "PROPFIND" ? 207 : 200);
      res.write(req.method === "PROPFIND" ? '<D:multistatus xmlns:D="DAV:">' : "first bytes ");
      if (req.method === "PROPFIND") listingAnswered();
      await sleep(30_000); // the rest never comes in time
      res.end();
    });
    const drive = createWebdavDrive({ url: `${origin}/dav` });
    const listing = new AbortController();
    const listed = (async () => {
      for await (const _entry of drive.list("", { signal: listing.signal }));
    })().catch((error: unknown) => error);
    await answering; // aborted mid-answer, not before the request
    listing.abort();
    expect(await listed).toMatchObject({ name: "AbortError" });

    const reading = new AbortController();
    const body = await drive.read("slow.bin", { signal: reading.signal });
    const reader = body.getReader();
    expect(Buffer.from((await reader.read()).value!).toString()).toBe("first bytes ");
    reading.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: "AbortError" });
  });

  it("stops sending a body the server refused before it was all sent, and closes that connection", async () => {
    let putSocketClosed = false;
    const origin = await serve((req, res) => {
      if (req.method === "PROPFIND" && req.url === "/dav/") {
        res.writeHead(207).end(`<D:multistatus xmlns:D="DAV:">${folderXml("/dav/")}</D:multistatus>`);
      } else if (req.method === "PUT") {
        req.socket.once("close", () => {
          putSocketClosed = true;
        });
        res.writeHead(507, "Insufficient Storage").end(); // without reading the body
      } else res.writeHead(404).end();
    });
    const drive = createWebdavDrive({ url: `${origin}/dav` });
    const size = 64 * 1024 * 1024;
    const endless = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array(1024 * 1024)),
    });
    const error = await drive.write("big.bin", endless, { path: "big.bin", size }).catch((e: unknown) => e);
    // A full drive stays full: not retried (as rclone).
    expect(error).toMatchObject({ name: "DriveError", retryable: false });
    for (let i = 0; i < 100 && !putSocketClosed; i++) await sleep(20);
    expect(putSocketClosed).toBe(true);
  });

  it("sends a request again when the server closed the kept-alive connection it went out on; a streamed PUT fails retryable", async () => {
    // Each connection gets one answer: the server closes it when a second request arrives on it, as
    // Apache's event MPM closes idle kept-alive connections while its workers are all busy.
    const answered = new WeakSet<object>();
    const seen: string[] = [];
    const origin = await serve((req, res) => {
      if (answered.has(req.socket)) {
        seen.push(`closed ${req.method}`);
        req.socket.destroy();
        return;
      }
      answered.add(req.socket);
      seen.push(`${req.method} ${req.url}`);
      const url = req.url ?? "";
      req.resume().on("end", () => {
        if (req.method === "PROPFIND" && url.endsWith("/"))
          res.writeHead(207).end(`<D:multistatus xmlns:D="DAV:">${folderXml(url)}</D:multistatus>`);
        else if (req.method === "PROPFIND")
          res.writeHead(207).end(`<D:multistatus xmlns:D="DAV:">${fileXml(url, 5)}</D:multistatus>`);
        else res.writeHead(201).end();
      });
    });
    const drive = createWebdavDrive({ url: `${origin}/dav` });
    for (const name of ["a.txt", "b.txt", "c.txt"]) expect((await drive.stat(name)).size).toBe(5);
    expect(seen).toEqual([
      "PROPFIND /dav/a.txt",
      "closed PROPFIND",
      "PROPFIND /dav/b.txt",
      "closed PROPFIND",
      "PROPFIND /dav/c.txt",
    ]);
    // A PUT's body is read as it goes out: it is not sent again here (the engine retries the file).
    const http = createWebdavHttp({ url: `${origin}/dav` });
    for await (const _ of await http.open("PROPFIND", http.urlOf("e.txt"))); // read whole: the socket is free
    seen.length = 0;
    const put = await http
      .send("PUT", http.urlOf("e.txt"), { body: Readable.from([Buffer.from("hello")]) })
      .catch((e: unknown) => e);
    expect(seen).toEqual(["closed PUT"]);
    expect(isRetryable(put)).toBe(true);
  });

  it("says DirectoryNotFoundError for a folder the server does not have, naming no secret", async () => {
    const origin = await serve((_req, res) => res.writeHead(404, "Not Found").end("<html>no</html>"));
    const drive = createWebdavDrive({ url: `${origin}/dav`, username: "u", password: "pa55-word" });
    const error = await listAll(drive, "missing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirectoryNotFoundError);
    expect(JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack })).not.toMatch(
      /pa55-word|cGE1NS13b3Jk|dTpwYTU1LXdvcmQ/,
    );
  });
});
