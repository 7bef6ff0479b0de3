import type { JobDeps } from "../jobs/deps.ts";

/** Everything the API needs: the use cases' dependencies, plus the edge's own settings. */
export interface ApiDeps extends JobDeps {
  /** When set (non-empty), every route but /healthz needs `Authorization: Bearer <apiToken>`. */
  readonly apiToken?: string | undefined;
  /** Request body limit in bytes; default 256 KiB. */
  readonly maxBodyBytes?: number;
}
