// R10 search routes: GET /search (HTML, no JavaScript needed) and GET /api/search (JSON for islands).
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";

export const searchRoutes = new Hono<AppEnv>();
