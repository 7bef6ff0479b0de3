/**
 * The CloudFront distribution that serves the dashboard (infra/aws/web.ts). Created before the API
 * and apart from the site so that its URL, the dashboard's origin, can be the API's one allowed
 * CORS origin while the site's build takes the API's URL: no cycle.
 */
export const webRouter = new sst.aws.Router("WebRouter");
