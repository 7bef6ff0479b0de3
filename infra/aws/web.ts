import { api } from "./api.ts";

/**
 * The dashboard and the API reference (dist/web, scripts/build-web.ts) as the stage's static site
 * (S3 + CloudFront), calling the stage's API: VITE_API_URL is baked into the build.
 */
export const web = new sst.aws.StaticSite("Web", {
  build: { command: "node --import tsx scripts/build-web.ts", output: "dist/web" },
  environment: { VITE_API_URL: api.url },
});
