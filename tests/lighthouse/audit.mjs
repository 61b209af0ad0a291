// Lighthouse's accessibility and best-practices audits of a few pages, each as
// the person who opens it: their session cookie is set in a browser context of
// the page's own, so no page sees another's cookies. (A Cookie header given as
// Lighthouse's extraHeaders mixed with the cookies the site sets in reply, and
// the page's own htmx requests then went out signed out.)
//
//   node audit.mjs pages.json
//
// pages.json: {"chrome": "/usr/bin/chromium", "formFactors": ["mobile", "desktop"],
//              "pages": [{"name": "home", "url": "http://…/", "cookie": {"name": "sessionid", "value": "…"}}]}
// Prints one JSON object: {"results": [{"name", "formFactor", "url", "finalUrl",
// "scores": {"accessibility": 100, "best-practices": 100}, "failing": [{"id", "title", "items"}]}]}
import { readFile } from "node:fs/promises";

import lighthouse from "lighthouse";
import desktopConfig from "lighthouse/core/config/desktop-config.js";
import puppeteer from "puppeteer-core";

const CATEGORIES = ["accessibility", "best-practices"];

const spec = JSON.parse(await readFile(process.argv[2], "utf8"));
const browser = await puppeteer.launch({
  executablePath: spec.chrome,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const results = [];
try {
  for (const formFactor of spec.formFactors ?? ["mobile"]) {
    const config = formFactor === "desktop" ? desktopConfig : undefined;
    for (const page of spec.pages) {
      const context = await browser.createBrowserContext();
      const tab = await context.newPage();
      if (page.cookie) await context.setCookie({ ...page.cookie, domain: new URL(page.url).hostname, path: "/" });
      const flags = { output: "json", logLevel: "error", onlyCategories: CATEGORIES };
      const runner = await lighthouse(page.url, flags, config, tab);
      await context.close();
      const lhr = runner.lhr;
      const failing = [];
      for (const category of CATEGORIES) {
        for (const ref of lhr.categories[category].auditRefs) {
          const audit = lhr.audits[ref.id];
          if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
            const items = (audit.details?.items ?? []).slice(0, 5).map((item) =>
              item.node?.snippet ?? item.node?.selector ?? item.description ?? item.source?.url ?? JSON.stringify(item).slice(0, 200),
            );
            failing.push({ category, id: ref.id, title: audit.title, items });
          }
        }
      }
      results.push({
        name: page.name,
        formFactor,
        url: page.url,
        finalUrl: lhr.finalDisplayedUrl,
        scores: Object.fromEntries(CATEGORIES.map((c) => [c, Math.round(lhr.categories[c].score * 100)])),
        failing,
        runtimeError: lhr.runtimeError?.message,
      });
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ results }, null, 2) + "\n");
