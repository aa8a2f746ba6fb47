#!/usr/bin/env node
// The keyward CLI: plain ESM over the management API (no build step, no TypeScript loader at runtime).
import { main } from "../cli/program.mjs";

process.exitCode = await main(process.argv);
