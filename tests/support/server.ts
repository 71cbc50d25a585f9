// Starts `wrangler dev` on a free port for the browser tests and the benchmarks, and stops it.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { BIN, ROOT, devServerArgs, localOrigin } from "../../db/cli/paths.ts";

export interface DevServer {
  url: string;
  stop(): Promise<void>;
}

export async function startDevServer(port: number, extraArgs: string[] = []): Promise<DevServer> {
  const child: ChildProcess = spawn(
    path.join(BIN, "wrangler"),
    // Issue 6 item 1: the Worker names the origin it is served at (the site build is made for the same one).
    // Issue 8: --test-scheduled, so the tests run the cron jobs through /__scheduled?cron=… as `npm start` does.
    [...devServerArgs(port, localOrigin(port)), "--test-scheduled", "--show-interactive-dev-session=false", "--log-level", "warn", ...extraArgs],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ""}`, WRANGLER_SEND_METRICS: "false", CI: "true" },
      detached: true,
    },
  );
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`wrangler dev did not answer on ${url} within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        child.kill("SIGTERM");
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // already gone
        }
      }
    },
  };
}
