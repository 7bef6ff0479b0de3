import { describe, expect, it } from "vitest";
import { type DavItem, hrefPath, parseMultistatus } from "./propfind.ts";

const REQUEST = "http://dav.example/remote.php/dav/files/alice/photos/";

const collect = async (chunks: string[], requestUrl = REQUEST): Promise<DavItem[]> => {
  const items: DavItem[] = [];
  async function* source() {
    yield* chunks;
  }
  for await (const item of parseMultistatus(source(), requestUrl)) items.push(item);
  return items;
};

const ok = "<d:status>HTTP/1.1 200 OK</d:status>";
const file = (href: string, size: number, lastmod = "Tue, 01 Dec 2026 15:00:00 GMT") =>
  `<d:response><d:href>${href}</d:href><d:propstat><d:prop><d:resourcetype/><d:getcontentlength>${size}</d:getcontentlength><d:getlastmodified>${lastmod}</d:getlastmodified></d:prop>${ok}</d:propstat></d:response>`;
const folder = (href: string) =>
  `<d:response><d:href>${href}</d:href><d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop>${ok}</d:propstat>` +
  `<d:propstat><d:prop><d:getcontentlength/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response>`;
const multistatus = (...responses: string[]) =>
  `<?xml version="1.0" encoding="utf-8"?><d:multistatus xmlns:d="DAV:">${responses.join("")}</d:multistatus>`;

describe("parseMultistatus", () => {
  it("reads files and folders, a folder's 404 propstat aside", async () => {
    const items = await collect([
      multistatus(
        folder("/remote.php/dav/files/alice/photos/"),
        file("/remote.php/dav/files/alice/photos/a.jpg", 123),
        folder("/remote.php/dav/files/alice/photos/2026/"),
      ),
    ]);
    expect(items).toEqual([
      {
        path: "/remote.php/dav/files/alice/photos",
        name: "photos",
        directory: true,
        size: 0,
        modTime: undefined,
      },
      {
        path: "/remote.php/dav/files/alice/photos/a.jpg",
        name: "a.jpg",
        directory: false,
        size: 123,
        modTime: Date.UTC(2026, 11, 1, 15, 0, 0),
      },
      {
        path: "/remote.php/dav/files/alice/photos/2026",
        name: "2026",
        directory: true,
        size: 0,
        modTime: undefined,
      },
    ]);
  });

  it("resolves absolute URLs, absolute paths and relative hrefs alike, percent-decoded or not", async () => {
    const items = await collect([
      multistatus(
        file("http://dav.example/remote.php/dav/files/alice/photos/a%20b%23c.txt", 1),
        file("/remote.php/dav/files/alice/photos/%E7%85%A7%E7%89%87%3F.txt", 2),
        file("rel%25ative&amp;more.txt", 3),
        file("/remote.php/dav/files/alice/photos/raw 100% ü.txt", 4),
        file("http://dav.example/remote.php/dav/files/alice/photos/unencoded #1?.txt", 5),
      ),
    ]);
    expect(items.map((item) => item.name)).toEqual([
      "a b#c.txt",
      "照片?.txt",
      "rel%ative&more.txt",
      "raw 100% ü.txt",
      "unencoded #1?.txt",
    ]);
    expect(items.map((item) => item.size)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(items.map((item) => item.path.slice(0, item.path.lastIndexOf("/"))))).toEqual(
      new Set(["/remote.php/dav/files/alice/photos"]),
    );
  });

  it("skips a response whose own status is 404 (an entry that vanished) and one with no 2xx propstat", async () => {
    const gone = `<d:response><d:href>/x/gone.txt</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>`;
    const denied = `<d:response><d:href>/x/denied.txt</d:href><d:propstat><d:prop><d:getcontentlength/></d:prop><d:status>HTTP/1.1 403 Forbidden</d:status></d:propstat></d:response>`;
    const items = await collect([multistatus(gone, file("/x/kept.txt", 5), denied)]);
    expect(items.map((item) => item.name)).toEqual(["kept.txt"]);
  });

  it("takes any prefix of the DAV: namespace (default, D:, lp1:) and ignores other namespaces", async () => {
    const apache =
      '<?xml version="1.0" encoding="utf-8"?><D:multistatus xmlns:D="DAV:"><D:response xmlns:lp1="DAV:" xmlns:lp2="http://apache.org/dav/props/">' +
      "<D:href>/x/a.txt</D:href><D:propstat><D:prop><lp1:resourcetype/><lp1:getcontentlength>7</lp1:getcontentlength>" +
      "<lp2:executable>F</lp2:executable><lp1:getlastmodified>Mon, 30 Nov 2026 10:00:00 GMT</lp1:getlastmodified></D:prop>" +
      "<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>" +
      '<response xmlns="DAV:"><href>/x/b/</href><propstat><prop><resourcetype><collection/></resourcetype>' +
      '<o:size xmlns:o="http://owncloud.org/ns"><collection/>99</o:size></prop><status>HTTP/1.1 200 OK</status></propstat></response>' +
      '<D:response><D:href>/x/c.txt</D:href><D:propstat><D:prop><D:resourcetype><x:collection xmlns:x="urn:other"/></D:resourcetype>' +
      "<D:getcontentlength>1</D:getcontentlength></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>";
    expect(await collect([apache])).toEqual([
      { path: "/x/a.txt", name: "a.txt", directory: false, size: 7, modTime: Date.UTC(2026, 10, 30, 10) },
      { path: "/x/b", name: "b", directory: true, size: 0, modTime: undefined },
      { path: "/x/c.txt", name: "c.txt", directory: false, size: 1, modTime: undefined },
    ]);
  });

  it("reads an answer cut into chunks anywhere, even one character at a time", async () => {
    const xml = multistatus(folder("/x/"), file("/x/%E6%96%87%E4%BB%B6.txt", 42), file("/x/b.txt", 8));
    const whole = await collect([xml]);
    expect(whole).toHaveLength(3);
    expect(await collect([...xml])).toEqual(whole);
    for (const size of [7, 64, 333]) {
      const chunks = Array.from({ length: Math.ceil(xml.length / size) }, (_, i) =>
        xml.slice(i * size, (i + 1) * size),
      );
      expect(await collect(chunks)).toEqual(whole);
    }
  });

  it("yields the first items before the answer has ended", async () => {
    let sentRest = false;
    async function* source() {
      yield `<d:multistatus xmlns:d="DAV:">${file("/x/first.txt", 1)}`;
      sentRest = true;
      yield `${file("/x/second.txt", 2)}</d:multistatus>`;
    }
    const iterator = parseMultistatus(source(), REQUEST);
    expect((await iterator.next()).value).toMatchObject({ name: "first.txt" });
    expect(sentRest).toBe(false);
    await iterator.return(undefined);
  });

  it("throws on an answer that is not well-formed XML, or empty", async () => {
    await expect(collect(["<d:multistatus xmlns:d='DAV:'><d:response>"])).rejects.toThrow();
    await expect(collect(["<html><body>Bad gateway</p></html>"])).rejects.toThrow();
    await expect(collect([""])).rejects.toThrow();
  });

  it("throws on well-formed XML that is no DAV: multistatus (a proxy's login or error page answered 200)", async () => {
    const notDav = [
      "<html><head><title>Sign in</title></head><body><p>Sign in to continue</p></body></html>",
      '<multistatus xmlns="urn:other"><response><href>/x</href></response></multistatus>',
      '<d:error xmlns:d="DAV:"><d:lock-token-submitted/></d:error>',
    ];
    for (const xml of notDav) {
      await expect(collect([xml])).rejects.toThrow(/not a WebDAV multistatus/);
    }
    expect(await collect([multistatus()])).toEqual([]); // an empty multistatus is an answer
  });
});

describe("hrefPath", () => {
  it("decodes each segment and drops the trailing slash, keeping a stray %", () => {
    expect(hrefPath("/a%20b/c%2Fd/", "http://h/")).toBe("/a b/c/d");
    expect(hrefPath("http://h/", "http://h/x/")).toBe("/");
    expect(hrefPath("/100%/x", "http://h/")).toBe("/100%/x");
  });

  it("reads repeated slashes and `.` segments as URL paths do (`/dav//a.txt` is `/dav/a.txt`)", () => {
    expect(hrefPath("/dav//a.txt", "http://h/dav/")).toBe("/dav/a.txt");
    expect(hrefPath("http://h//dav/./sub//", "http://h/dav/")).toBe("/dav/sub");
    expect(hrefPath("./b.txt", "http://h/dav/")).toBe("/dav/b.txt");
    expect(hrefPath("/dav/..", "http://h/dav/")).toBe("/dav/.."); // kept: the listing refuses it
  });
});
