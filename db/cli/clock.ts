// `npm run clock -- 2026-12-10` / `npm run clock -- off` / `npm run clock` (issue 8 item 6): the local clock.
//   npm run clock -- DAY   makes DAY (YYYY-MM-DD, an Asia/Tokyo day) the service's "today"; the time of day keeps
//                          running. Pages say 「テスト用の日付: DAY」; holds, loans, the hold shelf and the cron jobs
//                          (`/__scheduled?cron=…` under `npm start`) all work on that day.
//   npm run clock -- off   back to the real day.
//   npm run clock          says what is set.
// It writes the one row of local_clock in the local D1 (the SQLite file `wrangler dev` serves from), so a running
// `npm start` sees the change on its next request (the Worker reads the row per request: middleware/clock.ts).
// Local only: setting refuses unless .dev.vars has LOCAL_CLOCK="on" (written by `npm start`), and nothing here
// touches the production D1 (SHIORI_REMOTE=1). The Worker checks again for itself (domain/local-clock.ts localClockAllowed:
// LOCAL_CLOCK "on" and a loopback http:// origin), so a deployment ignores the table whatever it holds.
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { clearLocalClock, readLocalClock, setLocalClock } from "../../worker/src/data/local-clock.ts";
import { tokyoDay, type Day } from "../../worker/src/domain/calendar.ts";
import { isClockDay } from "../../worker/src/domain/local-clock.ts";
import { SCHEDULE } from "../../worker/src/jobs/schedule.ts";
import { DEV_VARS, localOrigin } from "./paths.ts";
import { openLocalPlatform } from "./platform.ts";

const USAGE = [
  "usage: npm run clock -- YYYY-MM-DD   テスト用の日付を設定 / set the service's today (local development only)",
  "       npm run clock -- off          実際の日付に戻す / back to the real day",
  "       npm run clock                 いまの設定を表示 / show what is set",
].join("\n");

export class ClockRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ClockRefused";
  }
}

/** .dev.vars as wrangler dev reads it (KEY="value" lines); {} when there is none. Read only, never written here. */
function readDevVars(): Record<string, string> {
  const vars: Record<string, string> = {};
  if (!existsSync(DEV_VARS)) return vars;
  for (const line of readFileSync(DEV_VARS, "utf8").split("\n")) {
    const m = /^([A-Z0-9_]+)\s*=\s*"?([^"]*)"?\s*$/.exec(line.trim());
    if (m) vars[m[1]!] = m[2]!;
  }
  return vars;
}

/** Never the production D1: not even read. */
export function assertLocalDatabase(env: NodeJS.ProcessEnv = process.env): void {
  if (env.SHIORI_REMOTE === "1") {
    throw new ClockRefused(
      "テスト用の日付は本番のデータベースには設定できません（SHIORI_REMOTE=1）。\n" +
        "The local clock is never set on the production D1 (SHIORI_REMOTE=1).",
    );
  }
}

/** Refuses, in Japanese and English, where the clock must not be set. */
export function assertLocalClockEnabled(env: NodeJS.ProcessEnv = process.env, devVars = readDevVars()): void {
  assertLocalDatabase(env);
  if (devVars.LOCAL_CLOCK !== "on") {
    throw new ClockRefused(
      `テスト用の日付は使えません: .dev.vars に LOCAL_CLOCK="on" がありません（npm start が書き込みます）。\n` +
        `The local clock is off: .dev.vars has no LOCAL_CLOCK="on" (npm start writes it; restart npm start after adding it).`,
    );
  }
}

export type ClockCommand = { kind: "show" } | { kind: "off" } | { kind: "set"; day: Day };

export function parseClockArgs(argv: string[], realNow: number): ClockCommand {
  if (argv.length === 0) return { kind: "show" };
  if (argv.length > 1) throw new ClockRefused(USAGE);
  const arg = argv[0]!.trim();
  if (arg === "off") return { kind: "off" };
  if (isClockDay(arg, realNow)) return { kind: "set", day: arg };
  throw new ClockRefused(
    `「${arg}」は日付として使えません。YYYY-MM-DD（例 ${tokyoDay(realNow)}）で、今日から10年以内の実在する日を指定してください。\n` +
      `"${arg}" is not a day the clock accepts: give YYYY-MM-DD (e.g. ${tokyoDay(realNow)}), a real day within 10 years of today.\n${USAGE}`,
  );
}

/** How to run the scheduled jobs now on the clock's day (wrangler dev --test-scheduled, as `npm start` runs it). */
function scheduledHint(): string {
  const origin = process.env.SITE_ORIGIN?.replace(/\/+$/, "") || localOrigin(process.env.PORT ?? "8787");
  return Object.keys(SCHEDULE)
    .map((cron) => `  curl '${origin}/__scheduled?cron=${encodeURIComponent(cron).replace(/%20/g, "+")}'   (${SCHEDULE[cron]!.map((j) => j.name).join(", ")})`)
    .join("\n");
}

/** Runs one command against the local D1; answers what it did, Japanese then English. */
export async function runClock(command: ClockCommand, realNow = Date.now()): Promise<string> {
  // Setting needs LOCAL_CLOCK="on"; turning it off or looking is always allowed locally.
  if (command.kind === "set") assertLocalClockEnabled();
  else assertLocalDatabase();
  const platform = await openLocalPlatform();
  try {
    const db = platform.db;
    if (command.kind === "set") {
      await setLocalClock(db, command.day, realNow);
      return (
        `テスト用の日付を ${command.day} にしました（実際の日付は ${tokyoDay(realNow)}）。ページには「テスト用の日付: ${command.day}」と出ます。戻すには npm run clock -- off。\n` +
        `The service's today is now ${command.day} (real day ${tokyoDay(realNow)}); pages show the banner. Undo with: npm run clock -- off\n` +
        `期限切れの処理などの定時処理をこの日付ですぐ動かすには / to run the scheduled jobs on this day now (npm start):\n${scheduledHint()}`
      );
    }
    if (command.kind === "off") {
      const was = await readLocalClock(db);
      await clearLocalClock(db);
      return was
        ? `テスト用の日付（${was}）を解除しました。実際の日付（${tokyoDay(realNow)}）に戻りました。\nThe local clock (${was}) is off: back to the real day (${tokyoDay(realNow)}).`
        : `テスト用の日付は設定されていません。実際の日付（${tokyoDay(realNow)}）のままです。\nThe local clock was not set: the real day (${tokyoDay(realNow)}) stays.`;
    }
    const day = await readLocalClock(db);
    const enabled = readDevVars().LOCAL_CLOCK === "on";
    if (!day) return `テスト用の日付は設定されていません（実際の日付 ${tokyoDay(realNow)}）。\nThe local clock is not set (real day ${tokyoDay(realNow)}).`;
    return enabled
      ? `テスト用の日付: ${day}（実際の日付は ${tokyoDay(realNow)}）。\nThe local clock is set to ${day} (real day ${tokyoDay(realNow)}).`
      : `テスト用の日付 ${day} が残っていますが、LOCAL_CLOCK が on ではないので使われていません。\nThe local clock row says ${day}, but LOCAL_CLOCK is not on in .dev.vars, so the service ignores it.`;
  } finally {
    await platform.dispose();
  }
}

async function main(argv: string[]): Promise<number> {
  try {
    const command = parseClockArgs(argv, Date.now());
    process.stdout.write(`${await runClock(command)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ClockRefused) {
      process.stderr.write(`${err.message}\n`);
      return argv.length > 1 ? 2 : 1;
    }
    throw err;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main(process.argv.slice(2));
}
