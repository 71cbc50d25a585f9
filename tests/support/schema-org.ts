// Issue 6 item 4: a run-time check of JSON-LD against schema.org's vocabulary as schema-dts declares it (the same
// declarations tsc holds worker/src/views/record-json-ld.ts to). Reads schema-dts's schema.d.ts text:
//   interface XBase extends YBase, ZBase { "prop"?: SchemaValue<A | B | IdReference, "prop">; … }
//   export interface XLeaf extends XBase { "@type": "X"; }
//   export type X = XLeaf | SubType1 | SubType2 | string;
// and checks every node: each @type is a schema.org type, each property is declared on (an ancestor of) one
// of the node's types, and each value fits the property's range (a nested node's type is the range type or a
// subtype of it; text, numbers and booleans only where a data type or a `| string` range allows them).

/** schema.org data types and what JSON values stand for them. */
const DATA_TYPES: Record<string, (v: unknown) => boolean> = {
  Text: (v) => typeof v === "string",
  URL: (v) => typeof v === "string" && /^https?:\/\/[^\s]+$/.test(v),
  Date: (v) => typeof v === "string" && /^\d{4}(-\d{2}(-\d{2})?)?$/.test(v),
  DateTime: (v) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.test(v),
  Time: (v) => typeof v === "string",
  Integer: (v) => (typeof v === "number" && Number.isInteger(v)) || (typeof v === "string" && /^-?\d+$/.test(v)),
  Number: (v) => typeof v === "number" || (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v)),
  Float: (v) => typeof v === "number",
  Boolean: (v) => typeof v === "boolean",
};

export interface Vocabulary {
  /** Properties declared on each type, its ancestors' included: property → range type names. */
  propertiesOf(type: string): Map<string, string[]> | undefined;
  /** Whether `type` is `range` or one of its subtypes. */
  isA(type: string, range: string): boolean;
  /** Whether a plain string may stand for a node of this type (schema-dts: `… | string`). */
  acceptsText(type: string): boolean;
  types: Set<string>;
}

export function parseSchemaDts(dts: string): Vocabulary {
  const bases = new Map<string, { parents: string[]; props: Map<string, string[]> }>();
  const leafBase = new Map<string, string[]>();
  const unions = new Map<string, string[]>();

  const interfaceRe = /^(?:export )?interface (\w+) (?:extends ([^{]+))?\{\n([\s\S]*?)^\}/gm;
  for (const m of dts.matchAll(interfaceRe)) {
    const name = m[1]!;
    const parents = (m[2] ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter((p) => /^\w+$/.test(p));
    const props = new Map<string, string[]>();
    for (const p of m[3]!.matchAll(/^ {4}"([A-Za-z][\w-]*)"\?: SchemaValue<([^,]+), "\1">;$/gm)) {
      props.set(p[1]!, p[2]!.split("|").map((t) => t.trim()).filter((t) => t !== "IdReference"));
    }
    const leafType = /^ {4}"@type": "(\w+)";$/m.exec(m[3]!)?.[1];
    if (name.endsWith("Leaf") && leafType) leafBase.set(leafType, [name, ...parents]);
    bases.set(name, { parents, props });
  }
  for (const m of dts.matchAll(/^export type (\w+) = ([^;<]+);$/gm)) {
    unions.set(m[1]!, m[2]!.split("|").map((t) => t.trim()));
  }

  const propCache = new Map<string, Map<string, string[]>>();
  function collect(name: string, into: Map<string, string[]>, seen: Set<string>) {
    if (seen.has(name)) return;
    seen.add(name);
    const b = bases.get(name);
    if (!b) return;
    for (const [k, v] of b.props) if (!into.has(k)) into.set(k, v);
    for (const p of b.parents) collect(p, into, seen);
  }
  function propertiesOf(type: string) {
    if (propCache.has(type)) return propCache.get(type);
    const roots = leafBase.get(type);
    if (!roots) return undefined;
    const props = new Map<string, string[]>();
    for (const r of roots) collect(r, props, new Set());
    propCache.set(type, props);
    return props;
  }
  function isA(type: string, range: string, seen = new Set<string>()): boolean {
    if (type === range) return true;
    if (seen.has(range)) return false;
    seen.add(range);
    return (unions.get(range) ?? []).some((member) => member !== `${range}Leaf` && isA(type, member, seen));
  }
  function acceptsText(type: string): boolean {
    return (unions.get(type) ?? []).includes("string");
  }
  return { propertiesOf, isA, acceptsText, types: new Set(leafBase.keys()) };
}

function typesOf(node: Record<string, unknown>): string[] {
  const t = node["@type"];
  return typeof t === "string" ? [t] : Array.isArray(t) ? t.filter((x): x is string => typeof x === "string") : [];
}

/** Every way `node` breaks the vocabulary, as "path: problem" lines; empty when it keeps to it. */
export function vocabularyProblems(vocab: Vocabulary, node: unknown, path = "$"): string[] {
  if (!node || typeof node !== "object" || Array.isArray(node)) return [`${path}: not a JSON-LD node`];
  const obj = node as Record<string, unknown>;
  const types = typesOf(obj);
  const problems: string[] = [];
  if (!types.length) return [`${path}: no @type`];
  for (const t of types) if (!vocab.types.has(t)) problems.push(`${path}: @type ${t} is not a schema.org type`);
  if (problems.length) return problems;
  for (const [key, value] of Object.entries(obj)) {
    if (key === "@type" || key === "@id") continue;
    if (key === "@context") {
      if (path !== "$" || value !== "https://schema.org") problems.push(`${path}: @context must be "https://schema.org" at the top`);
      continue;
    }
    const ranges = types.map((t) => vocab.propertiesOf(t)?.get(key)).find((r) => r !== undefined);
    if (!ranges) {
      problems.push(`${path}.${key}: not a property of ${types.join(", ")}`);
      continue;
    }
    const values = Array.isArray(value) ? value : [value];
    if (!values.length) problems.push(`${path}.${key}: empty list`);
    values.forEach((v, i) => {
      const at = Array.isArray(value) ? `${path}.${key}[${i}]` : `${path}.${key}`;
      if (v && typeof v === "object") {
        const inner = v as Record<string, unknown>;
        const innerTypes = typesOf(inner);
        if (!innerTypes.length && typeof inner["@id"] === "string" && Object.keys(inner).length === 1) return; // IdReference
        if (!innerTypes.some((t) => ranges.some((r) => vocab.isA(t, r)))) {
          problems.push(`${at}: a ${innerTypes.join(", ") || "node without @type"} where ${key} takes ${ranges.join(" | ")}`);
          return;
        }
        problems.push(...vocabularyProblems(vocab, inner, at));
        return;
      }
      const fits = ranges.some((r) => DATA_TYPES[r]?.(v) ?? (typeof v === "string" && vocab.acceptsText(r)));
      if (!fits) problems.push(`${at}: ${JSON.stringify(v)} does not fit ${ranges.join(" | ")}`);
    });
  }
  return problems;
}
