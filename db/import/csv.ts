// RFC 4180 CSV, as Aozora Bunko publishes it: CRLF (bare LF and CR also accepted), fields optionally quoted,
// quoted fields may hold commas, doubled quotes and line breaks. Rows come out one at a time with the line
// they start on, so an import can name the line of a bad row.

export interface CsvRow {
  /** 1-based line of the file where the row starts. */
  line: number;
  fields: string[];
  /** Set when the row breaks RFC 4180 (text after a closing quote, a quote left open at the end of the file). */
  error?: string;
}

const QUOTE = 34; // "
const COMMA = 44; // ,
const CR = 13;
const LF = 10;

export function* parseCsv(text: string): Generator<CsvRow> {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const rowLine = line;
    const fields: string[] = [];
    let error: string | undefined;
    for (;;) {
      // One field.
      if (text.charCodeAt(i) === QUOTE) {
        let value = "";
        let from = i + 1;
        let closed = false;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) {
            value += text.slice(from);
            line += countLines(text, from, n);
            i = n;
            break;
          }
          value += text.slice(from, q);
          line += countLines(text, from, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            from = q + 2;
            continue;
          }
          i = q + 1;
          closed = true;
          break;
        }
        if (!closed) {
          error ??= "a quoted field is not closed before the end of the file";
        } else if (i < n && !isDelimiter(text.charCodeAt(i))) {
          // Lenient like most readers: keep the stray text, but say the row is malformed.
          error ??= "text after a closing quote";
          const end = nextDelimiter(text, i);
          value += text.slice(i, end);
          i = end;
        }
        fields.push(value);
      } else {
        const end = nextDelimiter(text, i);
        fields.push(text.slice(i, end));
        i = end;
      }
      // After a field: a comma continues the row, a line break or the end of text ends it.
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        if (i >= n) {
          fields.push("");
          break;
        }
        continue;
      }
      if (c === CR) i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      else i += 1; // LF
      line++;
      break;
    }
    yield error ? { line: rowLine, fields, error } : { line: rowLine, fields };
  }
}

function isDelimiter(c: number): boolean {
  return c === COMMA || c === CR || c === LF;
}

function nextDelimiter(text: string, from: number): number {
  let i = from;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === CR || c === LF) return i;
    i++;
  }
  return n;
}

/** Line breaks in text[from, to): CRLF, LF and a lone CR each count once. */
function countLines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) count++;
    else if (c === CR && text.charCodeAt(i + 1) !== LF) count++;
  }
  return count;
}
