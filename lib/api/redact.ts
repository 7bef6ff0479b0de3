/**
 * Location redaction for API output, until lib/drives/location.ts (`redactLocation`) lands:
 * URL passwords and secret-looking query parameters become `***`. Paths are returned as they are.
 */
const SECRET_PARAM = /secret|password|passwd|token|key|credential|signature/i;

export function redactLocation(location: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return location;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return location.replace(/\/\/[^/@]*@/, "//***@");
  }
  if (url.password) url.password = "***";
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) url.searchParams.set(name, "***");
  }
  return url.toString().replaceAll("%2A%2A%2A", "***");
}
