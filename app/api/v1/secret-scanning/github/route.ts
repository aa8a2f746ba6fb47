import { githubSecretScanningRoute } from "@/lib/leaks/github-route";

// GitHub's secret scanning partner program: signed reports of Keyward secrets found in public places.
export const POST = githubSecretScanningRoute;
