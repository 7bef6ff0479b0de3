import { type HttpFront, startHttpFront } from "./http-front.ts";

/** An S3 request as a front counts it: `ListObjectsV2`, `HeadObject`, or the HTTP method. */
const operationOf = (method: string | undefined, url: string | undefined): string => {
  const query = new URL(url ?? "/", "http://front").searchParams;
  if (method === "GET" && query.get("list-type") === "2") return "ListObjectsV2";
  if (method === "HEAD") return "HeadObject";
  return method ?? "?";
};

/**
 * An HTTP front for an S3 emulator that counts the requests a client sends through it (by operation),
 * passing each one through untouched: what a drive really sent, whatever client it built itself.
 */
export async function startS3RequestCounter(upstream: string): Promise<
  HttpFront & {
    /** Requests since the last `reset()`, by operation. */
    readonly counts: Record<string, number>;
    reset(): void;
  }
> {
  let counts: Record<string, number> = {};
  const front = await startHttpFront(upstream, {
    onRequest: (req) => {
      const operation = operationOf(req.method, req.url);
      counts[operation] = (counts[operation] ?? 0) + 1;
    },
  });
  return {
    endpoint: front.endpoint,
    stop: front.stop,
    get counts() {
      return counts;
    },
    reset() {
      counts = {};
    },
  };
}
