// Issue 9 item 5: catalogue text (titles, authors) and patron text are untrusted. A mail is plain text; a header
// value is one line (no CR/LF: no header injection), a body keeps its own line breaks and nothing else.

// C0 and C1 controls, DEL, the Unicode line and paragraph separators, bidi overrides and BOM.
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** One line for a header or a line of the body: breaks and tabs become spaces, controls go, spaces collapse. */
export function oneLine(value: string, max = 200): string {
  const flat = value.replace(/[\r\n\t]+/g, " ").replace(CONTROLS, "").replace(/ {2,}/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A plain-text body: CRLF/CR become LF, controls (but LF) go. */
export function plainBody(value: string): string {
  return value.replace(/\r\n?/g, "\n").replace(CONTROLS, "");
}
