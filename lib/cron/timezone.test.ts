import { describe, expect, it } from "vitest";
import { defaultTimezoneFrom } from "./timezone.ts";

describe("defaultTimezoneFrom", () => {
  it("reads SYNCRON_DEFAULT_TIMEZONE; unset or empty means none (UTC)", () => {
    expect(defaultTimezoneFrom({ SYNCRON_DEFAULT_TIMEZONE: "Asia/Shanghai" })).toBe("Asia/Shanghai");
    expect(defaultTimezoneFrom({ SYNCRON_DEFAULT_TIMEZONE: " " })).toBeUndefined();
    expect(defaultTimezoneFrom({})).toBeUndefined();
  });

  it("refuses a value that is not an IANA time zone, naming the variable and the value", () => {
    expect(() => defaultTimezoneFrom({ SYNCRON_DEFAULT_TIMEZONE: "+08:00" })).toThrow(
      'SYNCRON_DEFAULT_TIMEZONE="+08:00" is not a known IANA time zone (e.g. Asia/Shanghai, Europe/Berlin, UTC)',
    );
    expect(() => defaultTimezoneFrom({ SYNCRON_DEFAULT_TIMEZONE: "Asia/Peking" })).toThrow(
      /^SYNCRON_DEFAULT_TIMEZONE="Asia\/Peking"/,
    );
  });
});
