// Browser tests: start `truce demo` on a temporary database and a free port, then drive Debian's
// Chromium through the pages a task-force officer and a field monitor use. Screenshots go to
// target/e2e/ for people to look at.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const root = resolve(import.meta.dirname, "..", "..");
const binary = process.env.TRUCE_BIN || join(root, "target", "debug", "truce");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const shots = join(root, "target", "e2e");
mkdirSync(shots, { recursive: true });

let server;
let base;
let browser;

// Without Chromium the tests say why they are skipped instead of failing; CI installs it.
const skip = existsSync(browserPath) ? false : `${browserPath} is missing: apt-get install chromium`;
const check = (name, body) => test(name, { skip }, body);

before(async () => {
  if (skip) {
    console.log(`skipping the browser tests: ${skip}`);
    return;
  }
  if (!existsSync(binary)) {
    throw new Error(`${binary} is missing: run cargo build first`);
  }
  const dir = mkdtempSync(join(tmpdir(), "truce-e2e-"));
  server = spawn(binary, ["demo", "--database-url", `sqlite://${join(dir, "demo.db")}`, "--listen", "127.0.0.1:0"], {
    env: { ...process.env, TRUCE_LOG: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  base = await new Promise((resolveBase, reject) => {
    let seen = "";
    server.stdout.on("data", (chunk) => {
      seen += chunk;
      const match = seen.match(/http:\/\/(127\.0\.0\.1:\d+)/);
      if (match) resolveBase(`http://${match[1]}`);
    });
    server.on("exit", (code) => reject(new Error(`truce demo exited with ${code}: ${seen}`)));
  });
  browser = await chromium.launch({
    executablePath: browserPath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

// A page signed in as one of the demonstration's users (their password is printed by
// `truce demo`: "truce-demo-" and the name).
const signedIn = async (name) => {
  const page = await browser.newPage();
  await page.goto(`${base}/login`);
  await page.fill("#name", name);
  await page.fill("#password", `truce-demo-${name}`);
  await Promise.all([page.waitForNavigation(), page.click("form.login button[type=submit]")]);
  assert.match(await page.textContent("header .who"), new RegExp(name));
  return page;
};

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
});

check("the dashboard shows the agreement, the counts and the map", async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  assert.equal(await page.title(), "Dashboard · Truce");
  assert.match(await page.textContent("body"), /2016-02-27 00:00 EET · 2016-02-26 22:00 UTC/);
  assert.ok(await page.locator("figure.map svg #layer-control path").count() > 200);
  assert.ok(await page.locator("figure.trend svg rect").count() > 10);
  await page.screenshot({ path: join(shots, "dashboard.png"), fullPage: true });
  await page.close();
});

check("incidents can be filtered and one opened with its explanation", async () => {
  const page = await signedIn("demo-task-force");
  await page.goto(`${base}/incidents`);
  await page.selectOption("select[name=label]", "coverage_disputed");
  await page.selectOption("select[name=admin1]", "SY07");
  await Promise.all([page.waitForNavigation(), page.click("form.filters button[type=submit]")]);
  assert.match(page.url(), /label=coverage_disputed/);
  const rows = page.locator("table.incidents tbody tr");
  assert.ok((await rows.count()) > 0);
  for (const badge of await page.locator("table.incidents tbody tr td:last-child").allTextContents()) {
    assert.match(badge, /Disputed/);
  }
  await page.screenshot({ path: join(shots, "incidents-filtered.png"), fullPage: true });
  await Promise.all([page.waitForNavigation(), rows.first().locator("a").click()]);
  assert.match(page.url(), /\/incidents\//);
  assert.match(await page.textContent("ol.reasons"), /R1: occurred/);
  assert.ok(await page.locator("figure.inset svg").count() === 1);
  await page.screenshot({ path: join(shots, "incident-detail.png"), fullPage: true });
  await page.close();
});

check("a report submitted through the form is in the list and on the map", async () => {
  const page = await signedIn("demo-monitor");
  await page.goto(`${base}/report`);
  await page.click("#pick-map svg", { position: { x: 120, y: 100 } });
  assert.notEqual(await page.inputValue("#lat"), "", "a click on the map fills the latitude");
  assert.notEqual(await page.inputValue("#lon"), "");
  await page.fill("#lat", "");
  await page.fill("#lon", "");
  await page.fill("#date", "2016-03-31");
  await page.fill("#time", "23:30");
  await page.fill("#place", "Madaya");
  await page.fill("#perpetrator", "Syrian Arab Army");
  await page.selectOption("#event_type", "aid_obstruction");
  await page.fill("#source_name", "e2e monitor");
  await page.selectOption("#reliability", "B");
  await page.selectOption("#credibility", "2");
  await page.fill("#text", "Browser test: the convoy was stopped at the checkpoint.");
  await Promise.all([page.waitForNavigation(), page.click("form.report button[type=submit]")]);
  const incidentPath = new URL(page.url()).pathname;
  assert.match(incidentPath, /^\/incidents\//);
  assert.match(await page.textContent("body"), /e2e monitor/);
  await page.goto(`${base}/incidents?q=Browser+test`);
  assert.equal(await page.locator(`table.incidents a[href="${incidentPath}"]`).count(), 1);
  await page.close();
  // A co-chair sees it at its exact place.
  const chair = await signedIn("demo-us");
  await chair.goto(`${base}/map?lon=36.1&lat=33.7&zoom=32&period=all`);
  assert.ok(await chair.locator(`#layer-incidents a[href="${incidentPath}"]`).count() === 1, "the new incident is a marker on the zoomed map");
  await chair.screenshot({ path: join(shots, "report-on-map.png") });
  await chair.close();
});

// The sum of the incidents a map's incident layer shows: single markers and clusters' counts.
const incidentsShown = (page) =>
  page.locator("#layer-incidents").evaluate((layer) =>
    layer.querySelectorAll("circle.inc").length +
    [...layer.querySelectorAll("g.cluster text")].reduce((sum, text) => sum + Number(text.textContent), 0));

check("the map draws each besieged location on its own, named and linked", async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/map?layers=1&besieged=on&lon=36.35&lat=33.5&zoom=8`);
  const circles = page.locator("#layer-besieged circle");
  // The 15 of the UN list around Damascus and the 6 only Siege Watch listed.
  assert.equal(await circles.count(), 21, "the 21 locations around Damascus, each a circle");
  assert.equal(await page.locator("#layer-besieged .cluster").count(), 0);
  assert.equal(await page.locator('#layer-besieged a[href^="/besieged/"]').count(), 21);
  assert.ok(await page.locator("#layer-besieged circle.reached-older").count() > 10, "most not reached for 90 days");
  assert.ok(await page.locator("#layer-labels text.besieged-name").count() >= 6, "names are drawn");
  assert.ok(await page.locator("#layer-labels text.town-3").count() > 5, "towns are named at this zoom");
  assert.equal(await page.locator("g.scale text").textContent(), "5 km");
  await page.screenshot({ path: join(shots, "map-damascus-besieged.png") });
  // Switched off at once, the layer takes its names with it.
  await page.uncheck("form.layers input[name=besieged]");
  assert.equal(await page.locator("#layer-labels text.besieged-name:visible").count(), 0);
  // The link opens the location's sheet.
  const href = await page.locator('#layer-besieged a[href^="/besieged/"]').first().getAttribute("href");
  await page.goto(`${base}${href}`);
  assert.equal(await page.locator("h2").first().textContent(), "Classifications");
  await page.close();
});

check("the map's period filters its incidents", async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/map?period=24h`);
  const day = await incidentsShown(page);
  assert.match(await page.locator("nav.period strong").textContent(), /24/);
  await page.goto(`${base}/map?period=all`);
  const all = await incidentsShown(page);
  assert.ok(day > 0 && day < all, `24 h shows ${day}, the whole record ${all}`);
  await page.goto(`${base}/map?from=2016-03-01&to=2016-03-02`);
  const oneDay = await incidentsShown(page);
  assert.ok(oneDay > 0 && oneDay < all, `1 March shows ${oneDay}`);
  // A period that ends before it starts is an error page, not a map of nothing.
  const response = await page.goto(`${base}/map?from=2016-03-05&to=2016-03-01`);
  assert.equal(response.status(), 422);
  assert.match(await page.textContent("body"), /'to' is not after 'from'/);
  await page.close();
});

check("a cluster is a link that zooms the map to its members", async () => {
  const page = await signedIn("demo-us");
  await page.goto(`${base}/map?period=all`);
  const link = page.locator("#layer-incidents a:has(g.cluster)").first();
  const href = await link.getAttribute("href");
  const [west, south, east, north] = new URL(href, base).searchParams.get("bbox").split(",").map(Number);
  await Promise.all([page.waitForNavigation(), link.dispatchEvent("click")]);
  const [w, s, e, n] = (await page.locator("figure.map svg").getAttribute("data-bbox")).split(",").map(Number);
  assert.ok(w <= west && s <= south && e >= east && n >= north, "the new view holds the cluster's extent");
  assert.ok(e - w < 6.8 / 2, "and is closer than the country view");
  // From there the keyboard zooms on: the box is not followed again.
  const zoom = Number(await page.locator("figure.map").getAttribute("data-zoom"));
  await page.focus("figure.map");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("+")]);
  assert.ok(!new URL(page.url()).searchParams.has("bbox"));
  assert.equal(Number(await page.locator("figure.map").getAttribute("data-zoom")), Math.min(64, zoom * 2));
  await page.close();
});

check("the mouse wheel scrolls the page past the map unless Ctrl is held", async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 700 } });
  await page.goto(`${base}/map`);
  const before = page.url();
  const box = await page.locator("figure.map svg").boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 300);
  await page.waitForTimeout(400);
  assert.equal(page.url(), before, "a plain wheel does not move the map");
  assert.ok(await page.evaluate(() => window.scrollY) > 0, "it scrolls the page");
  // With Ctrl held (a wheel event as the browser sends it: headless Chromium keeps Ctrl and
  // the wheel for its own zoom), the map zooms in where the pointer is.
  await Promise.all([
    page.waitForNavigation(),
    page.locator("figure.map svg").evaluate((svg, at) => {
      svg.dispatchEvent(new WheelEvent("wheel", { ctrlKey: true, deltaY: -100, clientX: at.x, clientY: at.y, bubbles: true, cancelable: true }));
    }, { x: 300, y: 300 }),
  ]);
  assert.match(page.url(), /zoom=2/, "Ctrl and the wheel zoom in");
  // After a click on the map, the wheel alone zooms.
  await page.click("figure.map figcaption");
  const svgBox = await page.locator("figure.map svg").boundingBox();
  await page.mouse.move(svgBox.x + 200, svgBox.y + svgBox.height - 60);
  await Promise.all([page.waitForNavigation(), page.mouse.wheel(0, -100)]);
  assert.match(page.url(), /zoom=4/, "the wheel zooms once the map was clicked");
  await page.close();
});

check("no page scrolls sideways on a phone, in either language, and the menu is whole", async () => {
  const page = await signedIn("demo-admin");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/incidents`);
  const incident = await page.locator("table.incidents a[href^='/incidents/']").first().getAttribute("href");
  const paths = ["/", "/map", "/incidents", incident, "/actors", "/terms", "/besieged", "/besieged/madaya", "/convoys",
    "/convoys/2016-02-17-five-areas", "/air-operations", "/humanitarian/scorecard", "/report", "/account", "/admin/users", "/changes", "/no-such-page"];
  for (const lang of ["en", "ar"]) {
    for (const path of paths) {
      await page.goto(`${base}${path}?lang=${lang}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 391, `${path} in ${lang} is ${width} px wide at 390`);
      const cut = await page.locator("header.top a, header.top button").evaluateAll((items) =>
        items.filter((item) => {
          const box = item.getBoundingClientRect();
          return box.left < 0 || box.right > 390 || item.scrollWidth > item.clientWidth + 1;
        }).map((item) => item.textContent.trim()));
      assert.deepEqual(cut, [], `${path} in ${lang}: menu items cut`);
    }
    await page.goto(`${base}/incidents?lang=${lang}`);
    await page.screenshot({ path: join(shots, `phone-incidents-${lang}.png`) });
  }
  await page.close();
  const anonymous = await browser.newPage({ viewport: { width: 390, height: 844 } });
  for (const path of ["/login", "/map?lang=ar", "/besieged?lang=ar"]) {
    await anonymous.goto(`${base}${path}`);
    assert.ok(await anonymous.evaluate(() => document.documentElement.scrollWidth) <= 391, path);
  }
  await anonymous.close();
});

check("a pasted report drafts the form, and the reviewer's corrections are what is saved", async () => {
  const page = await signedIn("demo-monitor");
  await page.goto(`${base}/report`);
  await page.click(".paste summary");
  await page.fill("#draft_text", "Yesterday regime forces shelled Douma in Eastern Ghouta, killing 3 civilians.");
  await page.fill("#received", "2016-03-20");
  await Promise.all([page.waitForNavigation(), page.click(".paste button[type=submit]")]);
  assert.equal(await page.inputValue("#date"), "2016-03-19", "the date from \"Yesterday\"");
  assert.equal(await page.inputValue("#time"), "", "no time of day is made up");
  assert.equal(await page.inputValue("#perpetrator"), "Government of Syria");
  assert.equal(await page.inputValue("#event_type"), "shelling_artillery");
  assert.equal(await page.inputValue("#killed_civilian"), "3");
  assert.notEqual(await page.inputValue("#lat"), "");
  assert.ok(await page.locator("#draft mark").count() >= 4, "the evidence is marked in the text");
  await page.screenshot({ path: join(shots, "report-draft.png"), fullPage: true });
  // The reviewer corrects the time and adds the source, then submits.
  await page.fill("#time", "14:00");
  await page.fill("#killed_civilian", "4");
  await page.fill("#source_name", "e2e pasted report");
  await Promise.all([page.waitForNavigation(), page.click("form.report button[type=submit]")]);
  assert.match(new URL(page.url()).pathname, /^\/incidents\//);
  const body = await page.textContent("body");
  assert.match(body, /e2e pasted report/);
  assert.match(body, /4–4/, "the corrected figure, not the drafted one");
  await page.close();
});

check("a pasted attack names the attacker as perpetrator; a clash says it names none", async () => {
  const page = await signedIn("demo-monitor");
  const draft = async (text) => {
    await page.goto(`${base}/report`);
    await page.click(".paste summary");
    await page.fill("#draft_text", text);
    await page.fill("#received", "2016-03-07");
    await Promise.all([page.waitForNavigation(), page.click(".paste button[type=submit]")]);
  };
  // ACLED lists the government first in a clash; the text says the Islamic State attacked.
  await draft("Islamic State fighters attacked government troops near Tafas on 5 March 2016.");
  assert.match(await page.inputValue("#perpetrator"), /Islamic State/);
  assert.equal(await page.inputValue("#target"), "Government of Syria");
  assert.match(await page.textContent("#draft"), /Perpetrator \(the text says so\)/);
  assert.equal(await page.locator("#draft .parties-only").count(), 0);
  // A one-sided attack on civilians names its perpetrator without a verb of attack, and its
  // weapon says the type; "this morning" is a part of the day, not a time.
  await draft("This morning government helicopters dropped barrel bombs on Daraya, killing four civilians.");
  assert.equal(await page.inputValue("#perpetrator"), "Government of Syria");
  assert.equal(await page.locator("#draft .parties-only").count(), 0);
  assert.equal(await page.inputValue("#weapon"), "barrel bomb");
  assert.equal(await page.inputValue("#event_type"), "air_strike");
  assert.equal(await page.inputValue("#part"), "morning");
  assert.equal(await page.inputValue("#time"), "");
  await draft("Clashes between government troops and rebels went on near Tafas on 5 March 2016.");
  assert.equal(await page.locator("#draft .parties-only").count(), 1, "the reviewer is told no attacker is named");
  await page.close();
});

check("Arabic pages are right to left and remembered", async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/map?lang=ar`);
  assert.equal(await page.getAttribute("html", "dir"), "rtl");
  assert.equal(await page.getAttribute("html", "lang"), "ar");
  await page.goto(`${base}/incidents`);
  assert.equal(await page.getAttribute("html", "dir"), "rtl", "the cookie keeps Arabic");
  await page.screenshot({ path: join(shots, "incidents-ar.png") });
  await page.goto(`${base}/incidents?lang=en`);
  assert.equal(await page.getAttribute("html", "dir"), "ltr");
  await page.close();
});

// Latin letters, ISO dates and clock times that are not inside an isolating element (<bdi>, or
// any element with a dir attribute) get reordered by the Arabic around them: "(F–A)", times
// split apart, a full stop thrown to the start of the line.
const unisolatedLatin = () => {
  const isolated = (element) => {
    for (let e = element; e && e !== document.body; e = e.parentElement) {
      if (["bdi", "script", "style", "textarea", "input", "option"].includes(e.localName)) return true;
      if (e.hasAttribute("dir") || (e.namespaceURI === "http://www.w3.org/2000/svg" && e.getAttribute("direction") === "ltr")) return true;
    }
    return false;
  };
  const latin = /[A-Za-z]|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}/;
  // SVG text cannot hold a <bdi>: there the Unicode isolates (U+2066 … U+2069) do the work.
  const withoutIsolates = (text) => text.replace(/[\u2066-\u2068][^\u2069]*\u2069/g, "");
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (latin.test(withoutIsolates(node.data)) && !isolated(node.parentElement)) {
      found.push(`<${node.parentElement.localName}> ${node.data.trim().slice(0, 80)}`);
    }
  }
  return found;
};

check("an Arabic page isolates every Latin run, time and code", async () => {
  const page = await signedIn("demo-admin");
  await page.goto(`${base}/incidents`);
  const incident = await page.locator("table.incidents a[href^='/incidents/']").first().getAttribute("href");
  const paths = ["/", "/map", "/map?zoom=8&lon=36.35&lat=33.5", "/incidents", incident, "/actors", "/terms", "/besieged", "/besieged/madaya",
    "/besieged/deir_ez_zor", "/convoys", "/convoys/2016-02-17-five-areas", "/convoys/2016-04-08-bludan", "/air-operations", "/humanitarian/scorecard",
    "/report", "/account", "/admin/users", "/changes", "/no-such-page"];
  const problems = [];
  for (const path of paths) {
    await page.goto(`${base}${path}${path.includes("?") ? "&" : "?"}lang=ar`);
    for (const run of await page.evaluate(unisolatedLatin)) problems.push(`${path}: ${run}`);
  }
  await page.close();
  const anonymous = await browser.newPage();
  for (const path of ["/login?lang=ar", "/map?lang=ar"]) {
    await anonymous.goto(`${base}${path}`);
    for (const run of await anonymous.evaluate(unisolatedLatin)) problems.push(`${path} (anonymous): ${run}`);
  }
  await anonymous.close();
  assert.deepEqual(problems, [], problems.join("\n"));
});

check("the list downloads its filter whole, as CSV and as GeoJSON", async () => {
  const page = await signedIn("demo-task-force");
  await page.goto(`${base}/incidents?label=covered`);
  const csvLink = await page.locator("a[href^='/incidents.csv']").getAttribute("href");
  assert.match(csvLink, /label=covered/);
  const everything = await page.request.get(`${base}/incidents.csv`);
  assert.equal(everything.headers()["content-type"], "text/csv; charset=utf-8");
  const lines = (await everything.text()).trim().split("\n");
  assert.match(lines[0], /^id,occurred_at,/);
  // Every incident (the demonstration's 1,277 and those other tests added), over three or more
  // of the download's pages, each once (a note may run over several lines).
  const record = /^([^,\s]+),\d{4}-\d{2}-\d{2}T/;
  const ids = lines.map((line) => line.match(record)?.[1]).filter(Boolean);
  assert.ok(ids.length >= 1277);
  assert.equal(new Set(ids).size, ids.length);
  const all = await (await page.request.get(`${base}/incidents.geojson`)).json();
  assert.equal(all.features.length, ids.length);
  const covered = await (await page.request.get(`${base}${csvLink}`)).text();
  const coveredRows = covered.split("\n").filter((line) => record.test(line));
  assert.ok(coveredRows.length > 0 && coveredRows.length < ids.length);
  const geojson = await (await page.request.get(`${base}/incidents.geojson?label=covered`)).json();
  assert.equal(geojson.type, "FeatureCollection");
  assert.equal(geojson.features.length, coveredRows.length);
  assert.equal(geojson.features[0].geometry.type, "Point");
  assert.ok(geojson.features.every((f) => f.properties.labels.split("|").includes("covered")));
  // A filter the list refuses is refused by the download too, as a page.
  const bad = await page.request.get(`${base}/incidents.csv?side=rebels`);
  assert.equal(bad.status(), 422);
  await page.close();
});

check("the pages work with JavaScript disabled", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${base}/map`);
  await page.uncheck("input[name=incidents]");
  await Promise.all([page.waitForNavigation(), page.click("form.layers button[type=submit]")]);
  assert.equal(await page.locator("#layer-incidents").count(), 0, "the layer is off after the form round trip");
  assert.equal(await page.locator("#layer-control").count(), 1);
  await Promise.all([page.waitForNavigation(), page.click("a[data-zoom=in]")]);
  assert.match(page.url(), /zoom=2/);
  await page.screenshot({ path: join(shots, "map-no-js.png") });
  await context.close();
});

check("a liaison sees its party's incidents and gets a 403 page for another party's", async () => {
  const page = await signedIn("demo-liaison-fsa");
  await page.goto(`${base}/incidents`);
  const rows = page.locator("table.incidents tbody tr");
  assert.ok((await rows.count()) > 0, "the FSA's incidents are listed");
  for (const row of await rows.allTextContents()) {
    assert.match(row, /Free Syrian Army/, "every incident names the FSA");
  }
  await page.screenshot({ path: join(shots, "liaison-incidents.png"), fullPage: true });
  // Another party's incident, found by a co-chair, opened by editing the address.
  const chair = await signedIn("demo-us");
  await chair.goto(`${base}/incidents?actor=isil`);
  const chairRows = chair.locator("table.incidents tbody tr");
  let other;
  for (let i = 0; i < (await chairRows.count()) && !other; i++) {
    if (!/Free Syrian Army/.test(await chairRows.nth(i).textContent())) {
      other = await chairRows.nth(i).locator("a").first().getAttribute("href");
    }
  }
  assert.ok(other, "an incident that does not name the FSA");
  await chair.close();
  const response = await page.goto(`${base}${other}`);
  assert.equal(response.status(), 403);
  assert.equal(await page.title(), "Not for your role · Truce", "an error on a page is a page");
  await page.screenshot({ path: join(shots, "liaison-403.png") });
  await page.close();
});

check("the public map shows incidents by their day and district only", async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/map`);
  const markers = await page.locator("#layer-incidents").innerHTML();
  assert.ok(markers.length > 0, "incidents are shown");
  assert.doesNotMatch(markers, /\d{4}-\d\d-\d\dT\d\d:/, "no marker says the time");
  await page.goto(`${base}/report`);
  assert.match(new URL(page.url()).pathname, /^\/login$/, "submitting needs someone signed in");
  await page.close();
});

check("a humanitarian officer runs a convoy from its plan to its delivery and the scorecard follows", async () => {
  const page = await signedIn("demo-humanitarian");
  const figure = async (id) => Number((await page.textContent(`tr#${id} strong.figure`)).replace(/,/g, ""));
  await page.goto(`${base}/humanitarian/scorecard?as_of=2016-04-30`);
  const reachedBefore = await figure("people_reached_month");
  const removalsBefore = await figure("medical_removals");
  const pendingBefore = await figure("approvals_pending");

  await page.goto(`${base}/convoys`);
  await page.click("details#plan summary");
  await page.fill("#plan_month", "2016-04");
  await page.selectOption("#destination", "douma");
  await page.fill("#people_targeted", "15000");
  await Promise.all([page.waitForNavigation(), page.click("details#plan button[type=submit]")]);
  assert.match(page.url(), /\/convoys\/2016-04-[0-9a-f]{8}\?saved=1/);
  const convoy = page.url().split("/convoys/")[1].split("?")[0];
  assert.match(await page.textContent("main"), /planned/);

  const steps = [
    ["submitted", {}],
    ["approved_in_principle", {}],
    ["facilitation_letter_issued", {}],
    ["loaded", {}],
    ["inspected", { removal: ["health", "surgical kits", "12", "kits"] }],
    ["dispatched", { trucks: "20" }],
    ["delivering", {}],
    ["delivered_full", { trucks: "20", people: "12000" }],
  ];
  for (const [n, [to, extra]] of steps.entries()) {
    await page.selectOption("#to", to);
    await page.fill("#at", `2016-04-${String(14 + n).padStart(2, "0")}T08:00`);
    if (extra.removal) {
      for (const [name, value] of ["removal_sector", "removal_item", "removal_quantity", "removal_unit"].map((field, i) => [field, extra.removal[i]])) {
        await page.fill(`input[name=${name}]`, value);
      }
    }
    if (extra.trucks) await page.fill("#trucks", extra.trucks);
    if (extra.people) await page.fill("#people_reached", extra.people);
    await Promise.all([page.waitForNavigation(), page.click("#next-step button[type=submit]")]);
    assert.match(page.url(), new RegExp(`/convoys/${convoy}\\?saved=1`), `${to} was recorded`);
    if (to === "submitted") {
      await page.goto(`${base}/humanitarian/scorecard?as_of=2016-04-30`);
      assert.equal(await figure("approvals_pending"), pendingBefore + 1, "a submitted convoy awaits approval");
      await page.goto(`${base}/convoys/${convoy}`);
    }
  }
  assert.match(await page.textContent("main"), /delivered in full/);
  assert.equal(await page.locator("#next-step").count(), 0, "nothing follows a delivery");
  assert.match(await page.textContent("main"), /12 kits surgical kits \(health\)/);
  await page.screenshot({ path: join(shots, "convoy-delivered.png"), fullPage: true });

  await page.goto(`${base}/humanitarian/scorecard?as_of=2016-04-30`);
  assert.equal(await figure("people_reached_month"), reachedBefore + 12000);
  assert.equal(await figure("medical_removals"), removalsBefore + 1);
  assert.equal(await figure("approvals_pending"), pendingBefore);
  await page.click("tr#people_reached_month details summary");
  assert.ok(await page.locator(`tr#people_reached_month a[href="/convoys/${convoy}"]`).count() === 1, "the figure links to the convoy");
  await page.screenshot({ path: join(shots, "scorecard.png"), fullPage: true });

  // On the board it is in the delivered column; the public sees it there too.
  await page.goto(`${base}/convoys`);
  assert.equal(await page.locator(`section[aria-labelledby=col-delivered] a[href="/convoys/${convoy}"]`).count(), 1);
  await page.close();
  const anonymous = await browser.newPage();
  await anonymous.goto(`${base}/convoys/${convoy}`);
  assert.equal(await anonymous.locator("#next-step").count(), 0);
  assert.doesNotMatch(await anonymous.textContent("main"), /demo-humanitarian/, "the public does not see who recorded it");
  await anonymous.close();
});

check("a monitor's incident opens a case that the co-chairs and the Government's liaison work to a joint finding", async () => {
  // The monitor reports a Government air strike on an area the FSA holds: covered, so a case.
  const monitor = await signedIn("demo-monitor");
  await monitor.goto(`${base}/report`);
  await monitor.fill("#date", "2016-03-20");
  await monitor.fill("#time", "10:15");
  await monitor.fill("#lat", "36.1386");
  await monitor.fill("#lon", "36.8284");
  await monitor.fill("#perpetrator", "Syrian Arab Army");
  await monitor.fill("#target", "FSA");
  await monitor.selectOption("#event_type", "air_strike");
  await monitor.fill("#killed_civilian", "2");
  await monitor.fill("#source_name", "e2e case monitor");
  await monitor.fill("#text", "Browser test: strike on the market, two civilians killed.");
  await Promise.all([monitor.waitForNavigation(), monitor.click("form.report button[type=submit]")]);
  const incident = new URL(monitor.url()).pathname.split("/").pop();
  await monitor.close();
  const casePath = `/cases/case-${incident}`;

  const ru = await signedIn("demo-ru");
  // The system opens the case a moment after the incident is written.
  let opened = false;
  for (let tries = 0; tries < 50 && !opened; tries++) {
    const response = await ru.goto(`${base}${casePath}`);
    opened = response.status() === 200;
    if (!opened) await new Promise((done) => setTimeout(done, 200));
  }
  assert.ok(opened, "the classification opened a case");
  const act = async (page, action, fields) => {
    const form = page.locator(`form:has(input[name=action][value=${action}])`);
    for (const [name, value] of Object.entries(fields)) {
      const field = form.locator(`[name=${name}]`);
      if ((await field.evaluate((e) => e.localName)) === "select") await field.selectOption(value);
      else await field.fill(value);
    }
    await Promise.all([page.waitForNavigation(), form.locator("button[type=submit]").click()]);
    assert.match(page.url(), /saved=1/, `${action} ${JSON.stringify(fields)} was recorded`);
  };
  await act(ru, "move", { to: "in_scope", why: "a strike on a participating party's area" });
  await act(ru, "request", { to: "gos", text: "Which aircraft flew over the market at 10:15?" });
  await ru.close();

  // The request reaches the Government's liaison, who answers in its inbox.
  const liaison = await signedIn("demo-liaison-gos");
  await liaison.goto(`${base}/cases`);
  await Promise.all([liaison.waitForNavigation(), liaison.click(`a[href="${casePath}"]`)]);
  assert.match(await liaison.textContent("main"), /Which aircraft flew over the market/);
  await act(liaison, "answer", { text: "No sortie was flown there at that hour." });
  assert.match(await liaison.textContent("main"), /No sortie was flown there/);
  assert.equal(await liaison.locator("#act").count(), 0, "a liaison neither moves cases nor records findings");
  await liaison.close();

  const us = await signedIn("demo-us");
  const again = await signedIn("demo-ru");
  await again.goto(`${base}${casePath}`);
  await act(again, "move", { to: "under_assessment", why: "the Government answered" });
  await act(again, "move", { to: "inconclusive", why: "one source, and the answers disagree" });
  await us.goto(`${base}${casePath}`);
  await act(us, "finding", { body: "US", verdict: "violation", text: "A strike on a covered area." });
  await again.goto(`${base}${casePath}`);
  await act(again, "finding", { body: "RU", verdict: "target_excluded", text: "A Nusra depot was struck." });
  assert.equal(await again.locator("#disputed").count(), 1, "conflicting findings: disputed");
  assert.equal(await again.locator("article.finding").count(), 2, "side by side");
  await again.screenshot({ path: join(shots, "case-disputed.png"), fullPage: true });

  // One joint text, written by RU and approved by the US, settles it.
  await act(again, "finding", { body: "joint", verdict: "undetermined", text: "The co-chairs cannot determine the target." });
  assert.equal(await again.locator("#disputed").count(), 1, "one approval is not a joint finding");
  await us.goto(`${base}${casePath}`);
  await act(us, "approve", {});
  assert.equal(await us.locator("#disputed").count(), 0, "the joint finding resolves the dispute");
  assert.match(await us.textContent("article.finding[data-body=joint]"), /approved by\s+Russia, United States/);
  await us.screenshot({ path: join(shots, "case-joint.png"), fullPage: true });

  // The docket, the case in Arabic, and both on a phone.
  await us.setViewportSize({ width: 390, height: 844 });
  const problems = [];
  for (const path of ["/cases", casePath]) {
    for (const lang of ["en", "ar"]) {
      await us.goto(`${base}${path}?lang=${lang}`);
      const width = await us.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 391, `${path} in ${lang} is ${width} px wide at 390`);
      if (lang === "ar") for (const run of await us.evaluate(unisolatedLatin)) problems.push(`${path}: ${run}`);
    }
  }
  assert.deepEqual(problems, [], problems.join("\n"));
  await us.close();
  await again.close();
  // The public sees no co-chair finding under the 2016 policy.
  const anonymous = await browser.newPage();
  assert.equal((await anonymous.goto(`${base}${casePath}`)).status(), 404);
  await anonymous.close();
});
