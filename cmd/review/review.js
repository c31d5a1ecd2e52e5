// review.js - the keyboard of the review page: Enter saves a row and goes to the next one,
// Esc undoes the typing, a click enlarges a crop. Without it the page still works: each
// page's form posts all of its values.
"use strict";

function rowsOf(main) {
	return Array.from(main.querySelectorAll(".row"));
}

function nextRow(main, row) {
	const rows = rowsOf(main);
	const i = rows.indexOf(row);
	// The next flagged row after this one, else the first flagged one left, else none.
	return rows.slice(i + 1).find((r) => r.classList.contains("flagged")) ||
		rows.find((r) => r.classList.contains("flagged") && r !== row) || null;
}

function focusRow(row) {
	if (!row)
		return;
	const input = row.querySelector("input[name]:not([type=hidden])");
	const details = row.closest("details");
	if (details)
		details.open = true;
	input.focus();
	input.select();
	row.scrollIntoView({ block: "center" });
}

async function saveRow(main, row) {
	const form = row.closest("form");
	const input = row.querySelector("input[name]:not([type=hidden])");
	const tag = row.querySelector("input[type=hidden]");
	const msg = row.querySelector(".msg");
	const body = new URLSearchParams();
	body.set(input.name, input.value.normalize("NFC"));
	body.set(tag.name, tag.value);
	row.classList.add("busy");
	let answer;
	try {
		const res = await fetch(form.action, {
			method: "POST",
			headers: { "Accept": "application/json" },
			body: body,
			credentials: "same-origin",
		});
		answer = res.ok ? await res.json() : { error: await res.text() };
	} catch (e) {
		answer = { error: main.dataset.msgFailed };
	}
	row.classList.remove("busy");
	const f = answer.fields && answer.fields.find((x) => x.field === input.name);
	if (!f) {
		msg.textContent = answer.error || main.dataset.msgFailed;
		msg.className = "msg error";
		return false;
	}
	if (f.status !== "saved") {
		msg.textContent = f.message;
		msg.className = "msg error";
		row.classList.add(f.status);
		return false;
	}
	input.value = f.value;
	input.dataset.saved = f.value;
	tag.value = f.tag;
	row.dataset.tag = f.tag;
	row.classList.remove("flagged", "refused", "stale");
	row.classList.add("saved");
	msg.textContent = main.dataset.msgSaved;
	msg.className = "msg ok";
	const left = document.getElementById("left");
	if (left && answer.left_text)
		left.textContent = answer.left_text;
	return true;
}

document.addEventListener("DOMContentLoaded", () => {
	const main = document.querySelector("main[data-msg-saved]");
	if (!main)
		return;
	main.addEventListener("keydown", async (e) => {
		const input = e.target;
		if (!(input instanceof HTMLInputElement) || !input.closest(".row"))
			return;
		// An input method (Telex, VNI) composing a letter owns Enter and Esc.
		if (e.isComposing || e.keyCode === 229)
			return;
		const row = input.closest(".row");
		if (e.key === "Enter") {
			e.preventDefault();
			if (await saveRow(main, row))
				focusRow(nextRow(main, row));
		} else if (e.key === "Escape") {
			input.value = input.dataset.saved;
			row.querySelector(".msg").textContent = "";
		}
	});
	main.addEventListener("click", (e) => {
		if (e.target.classList && e.target.classList.contains("crop"))
			e.target.classList.toggle("big");
	});
	focusRow(main.querySelector(".row.flagged"));
});
