// wrangler.toml's configurations: the top level and each [env.NAME], each with the [vars] it would deploy with
// (wrangler does not inherit [vars] into an environment). A small reader for the file's own shapes: table headers,
// key = "string" lines, and `vars = { K = "v", … }` inline tables. The local clock's and the dev mailbox's proofs
// that no deployed configuration turns them on (tests/worker/local-clock.test.ts, dev-mailbox.test.ts) read it.
export function wranglerConfigurations(text: string): Map<string, Record<string, string>> {
  const configs = new Map<string, Record<string, string>>([["(top level)", {}]]);
  let table = "";
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").replace(/^#.*$/, "").trim();
    if (!line) continue;
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header) {
      table = header[1]!;
      const env = /^env\.([^.]+)/.exec(table);
      if (env && !configs.has(env[1]!)) configs.set(env[1]!, {});
      continue;
    }
    const envName = /^env\.([^.]+)/.exec(table)?.[1];
    const config = configs.get(envName ?? "(top level)")!;
    const inTable = envName ? table.slice(`env.${envName}`.length).replace(/^\./, "") : table;
    const inline = /^vars\s*=\s*\{(.*)\}$/.exec(line);
    if (inline && inTable === "") {
      for (const m of inline[1]!.matchAll(/([A-Za-z0-9_]+)\s*=\s*"([^"]*)"/g)) config[m[1]!] = m[2]!;
      continue;
    }
    const kv = /^([A-Za-z0-9_"]+)\s*=\s*"([^"]*)"$/.exec(line);
    if (kv && inTable === "vars") config[kv[1]!.replace(/"/g, "")] = kv[2]!;
  }
  return configs;
}

/** wrangler.toml's lines that set something (comments dropped). */
export function wranglerSettings(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => !/^\s*#/.test(l))
    .map((l) => l.replace(/\s#.*$/, ""));
}
