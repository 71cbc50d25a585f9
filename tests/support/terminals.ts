// Issue 7 item 8: the demo terminal (chuo-opac-1) and fresh terminals for the terminal tests.
import { env } from "cloudflare:workers";

/** The id of the demo library's terminal chuo-opac-1 (demoDb() first). */
export async function demoTerminalId(): Promise<number> {
  const row = await env.DB.prepare("SELECT id FROM opac_terminals WHERE code = 'chuo-opac-1'").first<{ id: number }>();
  if (!row) throw new Error("seed the demo library first (demoDb)");
  return row.id;
}
