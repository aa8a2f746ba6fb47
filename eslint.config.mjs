import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import tseslint from "typescript-eslint";

const typeChecked = ["lib/**/*.{ts,tsx,mjs}", "server/**/*.{ts,mjs}", "server.ts", "cli/**/*.mjs", "scripts/**/*.{ts,mjs}"];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  // The domain core, the server and the tools: the type-aware rules too (floating promises, unsafe any).
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: typeChecked })),
  {
    files: typeChecked,
    languageOptions: {
      parserOptions: { project: "./tsconfig.eslint.json", tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // Plain JavaScript (the CLI, worker threads, scripts) declares no types, so every parsed value is `any`:
    // the no-unsafe-* family would flag each use without finding anything. The other type-aware rules stay.
    files: ["**/*.mjs"],
    rules: {
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["warn", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Before hydration (or without JavaScript) a form without a method submits as a GET: every named field,
    // passwords and pasted secrets included, would land in the URL, the history and access logs.
    files: ["app/**/*.tsx", "components/**/*.tsx"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "JSXOpeningElement[name.name='form']:not(:has(JSXAttribute[name.name=/^(method|action)$/]))",
          message: 'Give the form method="post" (or a server action): without one, a submit before hydration puts its fields in the URL.',
        },
      ],
    },
  },
  globalIgnores([
    ".next/**",
    ".next*/**",
    "lib/generated/**",
    "coverage/**",
    "test-results/**",
    "playwright-report/**",
    "next-env.d.ts",
    "data/**",
    ".e2e-data*/**",
  ]),
]);
