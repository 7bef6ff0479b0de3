import { ABORT_UPLOADS_RULE } from "../buckets.ts";
import { api } from "./api.ts";
import { abortIncompleteUploads } from "./storage.ts";
import { webRouter } from "./web-router.ts";

/**
 * The dashboard and the API reference (dist/web, scripts/build-web.ts) as the stage's static site
 * (S3 + CloudFront through {@link webRouter}), calling the stage's API: VITE_API_URL is baked into
 * the build, and the API allows the router's origin (infra/cors.ts).
 */
export const web = new sst.aws.StaticSite("Web", {
  build: { command: "node --import tsx scripts/build-web.ts", output: "dist/web" },
  environment: { VITE_API_URL: api.url },
  router: { instance: webRouter },
  // Incomplete multipart uploads of the assets are aborted, as in every bucket syncron creates.
  transform: {
    assets: { lifecycle: [ABORT_UPLOADS_RULE], transform: { lifecycle: abortIncompleteUploads } },
  },
});
