// `npm run jobs` (issue 9 item 4): run the cron jobs of the running local server now, as Cloudflare's triggers would —
// e.g. after `npm run clock -- DAY`, so the ready notice due that morning is sent into the dev mailbox (/dev/mail).
//   npm run jobs              every cron of worker/src/jobs/schedule.ts SCHEDULE, nightly first
//   npm run jobs -- mail      the mail outbox only ("*/5 * * * *": send-mail)
//   npm run jobs -- nightly   the nightly jobs only ("0 18 * * *": sessions, retry keys, the hold-shelf expiry)
// It asks `npm start`'s wrangler dev (--test-scheduled) at /__scheduled?cron=…, on PORT (8787) or SITE_ORIGIN; the
// jobs run inside the Worker against the local D1, on the library's time (the local clock when it is set).
import { pathToFileURL } from "node:url";
import { CRON_MAIL, CRON_NIGHTLY, SCHEDULE } from "../../worker/src/jobs/schedule.ts";

const USAGE = [
  "usage: npm run jobs            定時処理をすべて実行 / run every cron job now (npm start must be running)",
  "       npm run jobs -- mail     メール送信のみ / the mail outbox only",
  "       npm run jobs -- nightly  夜間処理のみ / the nightly jobs only",
].join("\n");

const NAMED: Record<string, string> = { mail: CRON_MAIL, nightly: CRON_NIGHTLY };

/** The crons to run for the arguments, or null when they are not understood. */
export function cronsFor(argv: readonly string[]): string[] | null {
  if (argv.length === 0) return [CRON_NIGHTLY, ...Object.keys(SCHEDULE).filter((c) => c !== CRON_NIGHTLY)];
  const out: string[] = [];
  for (const arg of argv) {
    const cron = NAMED[arg] ?? (SCHEDULE[arg] ? arg : undefined);
    if (!cron) return null;
    out.push(cron);
  }
  return out;
}

/** Where `npm start` serves (127.0.0.1: wrangler dev listens there; localhost may resolve to ::1 first). */
function serverUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SITE_ORIGIN) return env.SITE_ORIGIN.replace(/\/+$/, "");
  return `http://127.0.0.1:${env.PORT ?? "8787"}`;
}

async function main(argv: string[]): Promise<number> {
  const crons = cronsFor(argv);
  if (!crons) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const base = serverUrl();
  for (const cron of crons) {
    const url = `${base}/__scheduled?cron=${encodeURIComponent(cron).replace(/%20/g, "+")}`;
    const names = SCHEDULE[cron]!.map((j) => j.name).join(", ");
    let res: Response;
    try {
      res = await fetch(url);
    } catch {
      process.stderr.write(`${base} に接続できません。先に npm start を起動してください。\nCannot reach ${base}: start the server with npm start first (PORT or SITE_ORIGIN if not 8787).\n`);
      return 1;
    }
    const text = (await res.text()).trim();
    if (!res.ok) {
      process.stderr.write(`"${cron}" (${names}) failed: ${res.status} ${text}\n`);
      return 1;
    }
    process.stdout.write(`"${cron}" (${names}): ${text}\n`);
  }
  process.stdout.write(`送信されたメールは ${base.replace("127.0.0.1", "localhost")}/dev/mail で確認できます。 / Mail sent locally is at /dev/mail.\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main(process.argv.slice(2));
}
