/**
 * HTTP errors of the API edge, after middy's `HttpError`: a status, a stable machine `code`, a
 * one-sentence message that names the field and the bad value, and optional `details`.
 * Every error leaves the API as `{"error":{"code","message","details"}}`.
 */
export class ApiError extends Error {
  override name = "ApiError";

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    options?: ErrorOptions & { headers?: Record<string, string> },
  ) {
    super(message, options);
    this.headers = options?.headers ?? {};
  }

  /** Extra response headers (e.g. `Allow` on a 405, `WWW-Authenticate` on a 401). */
  readonly headers: Record<string, string>;
}

/** One bad field of a request: a dotted path (`source`, `include.2`) and why it is bad. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export const badRequest = (message: string, details?: readonly FieldIssue[], cause?: unknown): ApiError =>
  new ApiError(400, "BAD_REQUEST", message, details, cause === undefined ? undefined : { cause });

export const validationFailed = (issues: readonly FieldIssue[], cause?: unknown): ApiError =>
  new ApiError(
    400,
    "VALIDATION_FAILED",
    issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ") || "request is invalid",
    issues,
    cause === undefined ? undefined : { cause },
  );

export const notFound = (message: string): ApiError => new ApiError(404, "NOT_FOUND", message);

/** The API token is missing or wrong; `bearer` when `Authorization: Bearer` may carry it here. */
export const unauthorized = (bearer: boolean): ApiError =>
  bearer
    ? new ApiError(
        401,
        "UNAUTHORIZED",
        "missing or wrong API token: send it in the X-Syncron-Token header or as Authorization: Bearer",
        undefined,
        { headers: { "www-authenticate": 'Bearer realm="syncron"' } },
      )
    : new ApiError(
        401,
        "UNAUTHORIZED",
        "missing or wrong API token: send it in the X-Syncron-Token header (Authorization carries the IAM signature or the JWT)",
      );

export const methodNotAllowed = (method: string, path: string, allow: readonly string[]): ApiError =>
  new ApiError(
    405,
    "METHOD_NOT_ALLOWED",
    `method ${method} is not allowed on ${path}`,
    { allow },
    {
      headers: { allow: allow.join(", ") },
    },
  );

/** Most characters of a request's own text (a path, an id) an error message repeats. */
const SHOWN_MAX = 200;

/** `text` as an error message shows it: at most SHOWN_MAX characters, a cut one ending in "…". */
export const shown = (text: string): string =>
  text.length <= SHOWN_MAX ? text : `${text.slice(0, SHOWN_MAX)}…`;

export const routeNotFound = (method: string, path: string): ApiError =>
  new ApiError(404, "ROUTE_NOT_FOUND", `no route for ${shown(method)} ${shown(path)}`);

export const payloadTooLarge = (bytes: number, limit: number): ApiError =>
  new ApiError(
    413,
    "PAYLOAD_TOO_LARGE",
    `request body is ${bytes} bytes, above the limit of ${limit} bytes`,
    {
      limit_bytes: limit,
    },
  );

export const unsupportedMediaType = (contentType: string | undefined): ApiError =>
  new ApiError(
    415,
    "UNSUPPORTED_MEDIA_TYPE",
    `content-type must be application/json, got ${contentType === undefined ? "none" : JSON.stringify(contentType)}`,
  );
