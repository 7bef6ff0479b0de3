import type { ApiAuthKind } from "../env.ts";
import type { JobDeps } from "../jobs/deps.ts";
import type { ReportReader } from "../reports/report-blobs.ts";

/** Everything the API needs: the use cases' dependencies, plus the edge's own settings. */
export interface ApiDeps extends JobDeps {
  /**
   * When set (non-empty), every route but /healthz needs it in `X-Syncron-Token`, or as
   * `Authorization: Bearer <apiToken>` where {@link gatewayAuth} is `none` (see lib/api/auth.ts).
   */
  readonly apiToken?: string | undefined;
  /** What API Gateway checked before the handler: `iam` or `jwt` deployed, `none` (default) in dev. */
  readonly gatewayAuth?: ApiAuthKind | undefined;
  /** Where the worker keeps per-file run reports (task-result/{task_id}/items); absent = none kept. */
  readonly reports?: ReportReader | undefined;
  /** Request body limit in bytes; default 256 KiB. */
  readonly maxBodyBytes?: number;
}
