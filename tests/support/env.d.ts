// Types for the test-only imports: `cloudflare:test` (the plugin's module) and Vite's `?raw` text imports.
/// <reference types="@cloudflare/vitest-plugin/types" />
declare module "*?raw" {
  const text: string;
  export default text;
}
