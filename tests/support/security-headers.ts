// The headers issue 3 item 10 asks for on every response: the tests' own list, kept apart from the code that
// sets them (worker/src/middleware/security-policy.ts) so that dropping one there fails a test.
export const REQUIRED_SECURITY_HEADERS = [
  "content-security-policy",
  "strict-transport-security",
  "x-content-type-options",
  "x-frame-options",
  "referrer-policy",
  "permissions-policy",
  "cross-origin-opener-policy",
] as const;
