// review-browser.mjs - the review page in a real browser (Debian's chromium, driven by
// puppeteer-core; nothing downloaded): what a clerk does with the keyboard, checked in the
// dossier's ocr/fields.xml. Prints "ok N - intent" / "not ok N - intent" lines (tests/run counts
// them). Usage: node review-browser.mjs URL DOSSIER-DIR [SCREENSHOT.png]
import { readFileSync } from "node:fs";
import puppeteer from "puppeteer-core";

const [url, dossier, shot] = process.argv.slice(2);
const base = url.replace(/\/\?token=.*$/, "");
let n = 0;
let failed = 0;
function check(intent, ok, detail) {
	n++;
	if (ok) {
		console.log(`ok ${n} - ${intent}`);
	} else {
		failed++;
		console.log(`not ok ${n} - ${intent}`);
		if (detail !== undefined)
			console.log(`#   ${String(detail).split("\n").join("\n#   ")}`);
	}
}
const fields = () => readFileSync(`${dossier}/ocr/fields.xml`, "utf8");
const fieldLine = (name) => fields().split("\n").find((l) => l.includes(`name="${name}"`)) || "";

const browser = await puppeteer.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	headless: true,
	args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
});
try {
	const page = await browser.newPage();
	await page.setViewport({ width: 1366, height: 768 });
	const outside = [];
	page.on("request", (req) => {
		if (!req.url().startsWith(base))
			outside.push(req.url());
	});

	let res = await page.goto(`${base}/`);
	check("without the token the page is refused (403)", res.status() === 403, res.status());

	res = await page.goto(url);
	check("the printed address opens the start page", res.status() === 200, res.status());
	const link = await page.$(`a[href="/d/D"]`);
	check("...which lists the dossier with values left", link !== null);
	await Promise.all([page.waitForNavigation(), link.click()]);
	check("a click opens the dossier's page", page.url() === `${base}/d/D`, page.url());
	const charset = await page.evaluate(() => document.characterSet);
	check("...declared UTF-8", charset === "UTF-8", charset);

	// The first flagged value has the focus: type over it with diacritics, Enter.
	await page.waitForFunction(() => document.activeElement && document.activeElement.name === "ho_ten");
	check("the first flagged value has the focus", true);
	await page.keyboard.down("Control");
	await page.keyboard.press("KeyA");
	await page.keyboard.up("Control");
	await page.keyboard.type("Hoàng Thu Hùng");
	await page.keyboard.press("Enter");
	await page.waitForSelector(`.row[data-field="ho_ten"] .msg.ok`, { timeout: 10000 });
	check("Enter saves the row", true);
	const after = await page.evaluate(() => document.activeElement && document.activeElement.name);
	check("...and goes to the next flagged value", after === "ngay_sinh", after);
	check("fields.xml has the typed value", fieldLine("ho_ten").includes(">Hoàng Thu Hùng</field>"), fieldLine("ho_ten"));
	check("...marked reviewed, by someone, with the machine's reading",
		/review="false".*by="[^"]+" at="[^"]+" ocr="Ffoàng Thu Hùng"/.test(fieldLine("ho_ten")), fieldLine("ho_ten"));

	// A date the validator refuses stays, with its message; the right one is saved.
	await page.keyboard.press("Enter");
	await page.waitForSelector(`.row[data-field="ngay_sinh"] .msg.error`, { timeout: 10000 });
	const refused = await page.$eval(`.row[data-field="ngay_sinh"] .msg`, (e) => e.textContent);
	check("a value the validator refuses shows why", refused.length > 0, refused);
	const still = await page.evaluate(() => document.activeElement && document.activeElement.name);
	check("...and keeps the focus", still === "ngay_sinh", still);
	check("...nothing saved", fieldLine("ngay_sinh").includes('review="true"'), fieldLine("ngay_sinh"));
	await page.keyboard.down("Control");
	await page.keyboard.press("KeyA");
	await page.keyboard.up("Control");
	await page.keyboard.type("12/03/2024");
	await page.keyboard.press("Enter");
	await page.waitForSelector(`.row[data-field="ngay_sinh"] .msg.ok`, { timeout: 10000 });
	check("the corrected date is saved", fieldLine("ngay_sinh").includes(">2024-03-12</field>"), fieldLine("ngay_sinh"));
	const left = await page.$eval("#left", (e) => e.textContent);
	check("the count of values left goes down", /^0 /.test(left), left);

	// Esc undoes the typing.
	await page.click(`.row[data-field="dan_toc"] summary, details summary`);
	await page.focus(`input[name="dan_toc"]`);
	await page.keyboard.type("xyz");
	await page.keyboard.press("Escape");
	const undone = await page.$eval(`input[name="dan_toc"]`, (e) => e.value);
	check("Esc gives back the saved value", undone === "Kinh", undone);

	// Two browsers on one dossier: the later save from the older page is refused, visibly.
	const other = await browser.newPage();
	await other.goto(`${base}/d/D`);
	await page.bringToFront();
	await page.focus(`input[name="dan_toc"]`);
	await page.keyboard.press("Enter");	// confirm "Kinh" in the first page
	await page.waitForSelector(`.row[data-field="dan_toc"] .msg.ok`, { timeout: 10000 });
	// The second page still holds the version it loaded.
	await other.bringToFront();
	await other.evaluate(() => { document.querySelector("details").open = true; });
	await other.focus(`input[name="dan_toc"]`);
	await other.keyboard.down("Control");
	await other.keyboard.press("KeyA");
	await other.keyboard.up("Control");
	await other.keyboard.type("Tày");
	await other.keyboard.press("Enter");
	await other.waitForSelector(`.row[data-field="dan_toc"] .msg.error`, { timeout: 10000 });
	const stale = await other.$eval(`.row[data-field="dan_toc"] .msg`, (e) => e.textContent);
	check("a save from a stale page is refused with a message", stale.length > 10, stale);
	check("...nothing overwritten", fieldLine("dan_toc").includes(">Kinh</field>"), fieldLine("dan_toc"));

	// A crop opens larger on click.
	await page.bringToFront();
	const crop = await page.$(`.row[data-field="ho_ten"] img.crop`);
	const small = await crop.boundingBox();
	await crop.click();
	const big = await crop.boundingBox();
	check("a click on the crop enlarges it", big.height > small.height, `${small.height} -> ${big.height}`);
	const loaded = await page.$eval(`.row[data-field="ho_ten"] img.crop`, (e) => e.naturalWidth);
	check("...the crop is an image of the page", loaded > 100, loaded);
	check("nothing was fetched from outside", outside.length === 0, outside.join(" "));

	if (shot) {
		await crop.click();
		await page.reload();
		await page.screenshot({ path: shot });
	}
} catch (e) {
	check("the browser session ran to the end", false, e.stack || e);
} finally {
	await browser.close();
}
process.exit(failed ? 1 : 0);
