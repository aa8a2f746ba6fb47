// `npm run bench [-- section …]`: every performance figure Keyward claims, each printed beside a baseline
// measured in the same run. Sections: keys-list, verify, usage-chart, sign-in-throttle, outage (PostgreSQL
// stopped and started under load, on a cluster of its own). Exits 1 if any target was missed.
import { benchKeysList } from "./keys-list";
import { benchOutage } from "./outage";
import { benchSignInThrottle } from "./sign-in-throttle";
import { benchUsageChart } from "./usage-chart";
import { exitOnMiss } from "./targets";
import { benchVerify } from "./verify";

const sections: Record<string, () => Promise<void>> = {
  "keys-list": benchKeysList,
  verify: benchVerify,
  "usage-chart": benchUsageChart,
  "sign-in-throttle": benchSignInThrottle,
  outage: benchOutage,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = wanted.filter((name) => !(name in sections));
if (unknown.length > 0) {
  console.error(`Unknown section(s): ${unknown.join(", ")}. Choose from: ${Object.keys(sections).join(", ")}`);
  process.exit(2);
}
for (const [name, run] of Object.entries(sections)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  await run();
}
// Any missed target fails the run (exit 1), after every section has printed its figures.
exitOnMiss();
