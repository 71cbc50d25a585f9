// `npm start`: build everything, print the URL and the demo logins, then serve it all on one port
// (wrangler dev: the Hono Worker, the static site as Workers assets, D1 on local SQLite).
import { spawn } from "node:child_process";
import path from "node:path";
import { buildAll } from "./build.ts";
import { BIN, ROOT, devServerArgs, localOrigin } from "./paths.ts";
import { log } from "./run.ts";
import { readDemoFixture } from "./seed.ts";

const port = process.env.PORT ?? "8787";
if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
  process.stderr.write(`PORT must be a port number (1–65535), not ${JSON.stringify(port)}\n`);
  process.exit(1);
}
// Issue 6 item 1: the pages and the Worker name the origin actually served (canonical URLs, JSON-LD, sitemaps,
// robots.txt, mails), not wrangler.toml's; SITE_ORIGIN overrides it (e.g. behind a proxy).
const origin = process.env.SITE_ORIGIN?.replace(/\/+$/, "") || localOrigin(port);

await buildAll({ origin });

/** Pads to a terminal width: full-width characters take two columns. */
function padColumns(text: string, width: number): string {
  const columns = [...text].reduce((n, ch) => n + (/[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch) ? 2 : 1), 0);
  return text + " ".repeat(Math.max(1, width - columns));
}

const fixture = readDemoFixture();
const lines = [
  "",
  `栞 Shiori — ${fixture.library.name}`,
  `  ${origin}`,
  "",
  "Demo patrons (図書館カード番号 / パスワード):",
  ...fixture.patrons.map((p) => {
    const secret = p.password ? p.password : p.temporaryPassword ? `${p.temporaryPassword} (仮パスワード)` : "(no password yet: issue one with 「パスワード発行・申請」)";
    return `  ${p.card}  ${padColumns(secret, 26)}${p.name}`;
  }),
  "Demo staff (login / password):",
  ...fixture.staff.map((s) => `  ${s.login.padEnd(14)} ${s.password.padEnd(20)} ${s.role} @ ${s.branch}`),
  ...fixture.opacTerminals.slice(0, 1).map((t) => `Demo OPAC terminal ${t.code}: \`npm run staff -- enrol-terminal ${t.code}\`, then type the code at ${origin}/opac/enrol`),
  // Issue 8 item 6: the local clock (db/cli/clock.ts).
  `Test day (テスト用の日付): \`npm run clock -- YYYY-MM-DD\` moves the service's today; \`npm run clock -- off\` returns to real time`,
  // Issue 9 item 7 (H-out): the dev mailbox (worker/src/mail/dev-mailbox.ts) and the crons (db/cli/jobs.ts).
  `Dev mailbox (開発用メールボックス): ${origin}/dev/mail — the mail the library sent; \`npm run jobs\` runs the cron jobs (mail, nightly) now`,
  "",
];
process.stdout.write(lines.join("\n") + "\n");
log(`serving on ${origin} (Ctrl+C to stop)`);

const wranglerArgs = [...devServerArgs(port, origin), "--test-scheduled", "--show-interactive-dev-session=false"];
const child = spawn(path.join(BIN, "wrangler"), wranglerArgs, {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ""}`, WRANGLER_SEND_METRICS: "false" },
});
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
