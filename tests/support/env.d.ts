// Types for the test-only imports: `cloudflare:test` (the plugin's module) and Vite's `?raw` text imports.
/// <reference types="@cloudflare/vitest-plugin/types" />
declare module "*?raw" {
  const text: string;
  export default text;
}

// `import { exports } from "cloudflare:workers"` (what @cloudflare/vitest-plugin 1.5 offers instead of the
// deprecated SELF): the Worker's main module, so `exports.default.fetch()` is typed.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("../../worker/src/index.ts");
  }
}
