// The headers issue 3 item 10 asks for on every response: the tests' own list, kept apart from the code that
// sets them (worker/src/middleware/security-policy.ts) so that dropping one there fails a test.
// Issue 10 item 6 (R50): the document-only ones go on documents (HTML) only; every response keeps the base ones.
export const BASE_SECURITY_HEADERS = ["strict-transport-security", "x-content-type-options", "referrer-policy"] as const;

export const DOCUMENT_ONLY_SECURITY_HEADERS = [
  "content-security-policy",
  "x-frame-options",
  "permissions-policy",
  "cross-origin-opener-policy",
] as const;

/** Everything a document (an HTML page, static or the Worker's) carries. */
export const REQUIRED_SECURITY_HEADERS = [...BASE_SECURITY_HEADERS, ...DOCUMENT_ONLY_SECURITY_HEADERS] as const;
