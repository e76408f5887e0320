// The README's screenshots: `truce demo` on a temporary database, Chromium at a laptop's and a
// phone's width, in English and in Arabic; the PNGs go to docs/screenshots/. Run it after
// `cargo build` with `npm run screenshots` in this folder.
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const root = resolve(import.meta.dirname, "..");
const binary = process.env.TRUCE_BIN || join(root, "target", "debug", "truce");
const out = join(root, "docs", "screenshots");
mkdirSync(out, { recursive: true });

const dir = mkdtempSync(join(tmpdir(), "truce-shots-"));
const server = spawn(binary, ["demo", "--database-url", `sqlite://${join(dir, "demo.db")}`, "--listen", "127.0.0.1:0"], {
  env: { ...process.env, TRUCE_LOG: "warn" },
  stdio: ["ignore", "pipe", "inherit"],
});
const base = await new Promise((resolveBase, reject) => {
  let seen = "";
  server.stdout.on("data", (chunk) => {
    seen += chunk;
    const match = seen.match(/http:\/\/(127\.0\.0\.1:\d+)/);
    if (match) resolveBase(`http://${match[1]}`);
  });
  server.on("exit", (code) => reject(new Error(`truce demo exited with ${code}`)));
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});

try {
  // A co-chair's view: signed in, so the dashboard shows who attacked.
  const context = await browser.newContext();
  const login = await context.newPage();
  await login.goto(`${base}/login`);
  await login.fill("#name", "demo-us");
  await login.fill("#password", "truce-demo-demo-us");
  await Promise.all([login.waitForNavigation(), login.click("form.login button[type=submit]")]);
  await login.goto(`${base}/incidents?label=covered`);
  const incident = await login.locator("table.incidents a[href^='/incidents/']").first().getAttribute("href");
  // The illustrative case settled by a joint finding.
  await login.goto(`${base}/api/v1/cases?state=findings`);
  const settled = JSON.parse(await login.textContent("body")).items.find((c) => !c.disputed && c.findings.length > 2);
  await login.close();
  const pages = [
    ["dashboard", "/"],
    ["map", "/map"],
    ["incident", incident],
    ["scorecard", "/humanitarian/scorecard?as_of=2016-04-12"],
    ["convoys", "/convoys"],
    ["besieged", "/besieged/deir_ez_zor"],
    ["docket", "/cases"],
    ["case", `/cases/${settled.id}`],
  ];
  const screens = [
    ["desktop", { width: 1366, height: 900 }, 1],
    ["phone", { width: 390, height: 844 }, 1],
  ];
  for (const [screen, viewport, scale] of screens) {
    for (const lang of ["en", "ar"]) {
      for (const [name, path] of pages) {
        const page = await context.newPage({ viewport, deviceScaleFactor: scale });
        await page.setViewportSize(viewport);
        await page.goto(`${base}${path}${path.includes("?") ? "&" : "?"}lang=${lang}`);
        const file = join(out, `${name}-${screen}-${lang}.png`);
        await page.screenshot({ path: file });
        console.log(file);
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
  server.kill("SIGTERM");
}
