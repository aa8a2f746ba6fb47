#!/usr/bin/env node
// Compiles Keyward's server (server.ts and the lib/ code it imports) into one JavaScript file in the build folder,
// so `npm start` runs it on plain Node. Loading TypeScript at run time (tsx) cost ~100 MB of resident memory:
// its loader runs on a thread of its own, with its own heap. npm packages stay external (loaded from node_modules).
// The worker threads' entry files are loaded by URL, relative to the file that names them: each file's
// `import.meta.url` is rewritten to where that file lives in the sources, so those URLs still resolve.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function serverBundlePath(distDir = process.env.NEXT_DIST_DIR || ".next") {
  return path.resolve(root, distDir, "keyward-server.mjs");
}

/** The sources the bundle is made of: a change to any of them makes it stale. */
export const SERVER_SOURCES = ["server.ts", "server", "lib", "prisma/schema.prisma", "package-lock.json", "tsconfig.json"];

function keepSourceLocations(outDir) {
  return {
    name: "keep-source-locations",
    setup(build) {
      build.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, async (args) => {
        if (args.path.split(path.sep).includes("node_modules")) return undefined;
        const text = await readFile(args.path, "utf8");
        if (!text.includes("import.meta.")) return undefined;
        const fromBundle = path.relative(outDir, args.path).split(path.sep).join("/");
        const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
        return {
          contents: text
            .replaceAll("import.meta.url", `(${url})`)
            .replaceAll("import.meta.dirname", `__keywardDirname(${url})`)
            .replaceAll("import.meta.filename", `__keywardFilename(${url})`),
          loader: /\.m?ts$/.test(args.path) ? "ts" : "js",
        };
      });
    },
  };
}

export async function buildServer(distDir) {
  // Imported here: `npm start` reads serverBundlePath from this file and must not load the compiler.
  const { build } = await import("esbuild");
  const outfile = serverBundlePath(distDir);
  await build({
    entryPoints: [path.join(root, "server.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    logLevel: "warning",
    banner: {
      js: [
        'import { fileURLToPath as __keywardPath } from "node:url";',
        'import { dirname as __keywardDir } from "node:path";',
        "const __keywardFilename = (url) => __keywardPath(url);",
        "const __keywardDirname = (url) => __keywardDir(__keywardPath(url));",
      ].join("\n"),
    },
    plugins: [keepSourceLocations(path.dirname(outfile))],
  });
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outfile = await buildServer(process.env.NEXT_DIST_DIR || ".next");
  console.log(`server compiled: ${path.relative(root, outfile)}`);
}
