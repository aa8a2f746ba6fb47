import Bowser from "bowser";

/** "Chrome 131 on macOS", "Firefox 133 on Android (mobile)", or "Unknown device": what a sessions list shows. */
export function describeDevice(userAgent: string | null | undefined): string {
  if (!userAgent) return "Unknown device";
  const { browser, os, platform } = Bowser.parse(userAgent);
  const major = browser.version?.split(".")[0];
  const name = browser.name ? `${browser.name}${major ? ` ${major}` : ""}` : null;
  const system = os.name ? `${os.name}${os.versionName ? ` ${os.versionName}` : ""}` : null;
  const kind = platform.type === "mobile" || platform.type === "tablet" ? ` (${platform.type})` : "";
  if (!name && !system) return "Unknown device";
  return `${name ?? "Unknown browser"}${system ? ` on ${system}` : ""}${kind}`;
}
