// Runs a project tool (from node_modules/.bin, so on the project's Node 24) and fails loudly.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { BIN, ROOT } from "./paths.ts";

export function runTool(tool: string, args: string[], env: Record<string, string> = {}): void {
  const res = spawnSync(path.join(BIN, tool), args, {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ""}`, ...env },
  });
  if (res.status !== 0) {
    throw new Error(`${tool} ${args.join(" ")} failed (exit ${res.status ?? res.signal})`);
  }
}

export function log(message: string): void {
  process.stdout.write(`[shiori] ${message}\n`);
}
