/**
 * How SST bundles the Lambda functions (`nodejs` of `sst.aws.Function`): esbuild code splitting, so
 * a module imported with `import()` (each remote drive's client: S3, WebDAV, OpenList; the AWS SDK's
 * rarely used credential providers) is a file of its own, loaded only when a run needs it.
 * bench:coldstart bundles with these same settings.
 */
export const FUNCTION_NODEJS = { splitting: true } as const;
