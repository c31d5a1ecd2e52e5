/* fuzz_register.c - libFuzzer target for the register CSV reader (hoso_register_*). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "register.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A digest of the rows read (code, line, dates, channel), in order. */
static uint64_t
mix(uint64_t h, const struct hoso_register_row *row)
{
	const char *c;

	for (c = row->code; *c != '\0'; c++)
		h = (h ^ (unsigned char)*c) * 0x100000001b3ULL;
	h = (h ^ (uint64_t)row->line) * 0x100000001b3ULL;
	h = (h ^ (uint32_t)row->recv) * 0x100000001b3ULL;
	h = (h ^ (uint32_t)row->done) * 0x100000001b3ULL;
	return (h ^ (uint64_t)row->kenh) * 0x100000001b3ULL;
}

/*
 * -j reads a file in parts: cut it at a line start after the header, read the
 * first part, then the second from where the first really ended (as the merge
 * does when the cut fell inside a quoted cell). The rows, lines and the end
 * must be those of reading it whole.
 */
static void
parts_equal_whole(int fd, size_t size, const uint8_t *data, struct hoso_register_opts *o)
{
	struct hoso_register *head = NULL, *part = NULL;
	struct hoso_register_row row;
	struct hoso_err err;
	uint64_t whole = 0xcbf29ce484222325ULL, parts = whole, start, at, cut;
	long line, first_line;
	int r, r_whole;
	size_t i, nth = size % 5;

	if (lseek(fd, 0, SEEK_SET) != 0 || hoso_register_open(&head, fd, o, &err) != 0)
		return;
	if (!hoso_register_splittable(head) ||
	    hoso_register_position(head, &start, &first_line, &err) != 0)
		goto out;
	while ((r_whole = hoso_register_next(head, &row, &err)) > 0)
		whole = mix(whole, &row);
	/* The cut: just past the nth LF after the header. */
	for (cut = start, i = start; i < size; i++)
		if (data[i] == '\n' && (cut = i + 1, nth-- == 0))
			break;
	if (hoso_register_open_part(&part, head, fd, start, cut, first_line, o, &err) != 0)
		abort();
	while ((r = hoso_register_next(part, &row, &err)) > 0)
		parts = mix(parts, &row);
	if (r == 0 && hoso_register_position(part, &at, &line, &err) == 0) {
		hoso_register_close(part);
		part = NULL;
		if (at < cut)
			abort();	/* a part reads every record that starts in it */
		if (hoso_register_open_part(&part, head, fd, at, UINT64_MAX, line, o, &err) != 0)
			abort();
		while ((r = hoso_register_next(part, &row, &err)) > 0)
			parts = mix(parts, &row);
	}
	/* Both ways stop at the same first bad row, or read the same rows to the end. */
	if ((r < 0) != (r_whole < 0) || (r == 0 && parts != whole))
		abort();
out:
	hoso_register_close(part);
	hoso_register_close(head);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hoso_register_opts o = { "fuzz.csv", 0, 4096, false, NULL, NULL };
	size_t skipped[HOSO_REG_SKIP_MAX];
	struct hoso_register *reg = NULL;
	struct hoso_register_row row;
	struct hoso_register_labels *labels = NULL;
	struct hoso_err err;
	int fds[2], r, pass;

	/* The same bytes as a --columns file: parsed or refused with a message, never more. */
	if (hoso_register_labels_parse((const char *)data, size, "fuzz.txt", &labels, &err) != 0 &&
	    (labels != NULL || err.msg[0] == '\0'))
		abort();
	hoso_register_labels_free(labels);

	/* Both modes: strict stops at the first bad row, lenient reads on. */
	for (pass = 0; pass < 2; pass++) {
		FILE *f = tmpfile();

		if (f == NULL)
			abort();
		if (size > 0 && fwrite(data, 1, size, f) != size)
			abort();
		fflush(f);
		rewind(f);
		fds[0] = fileno(f);
		o.lenient = pass == 1;
		o.skipped = skipped;
		o.block_size = 7 + (size % 64);	/* small blocks: records straddle reads */
		memset(skipped, 0, sizeof(skipped));
		if (hoso_register_open(&reg, fds[0], &o, &err) == 0) {
			while ((r = hoso_register_next(reg, &row, &err)) > 0) {
				/* Whatever is accepted obeys the spec's row rules. */
				if (row.code[0] == '\0' || row.unit[0] == '\0' || row.kenh < 1 || row.kenh > 3 ||
				    row.recv == HOSO_DATE_NONE ||
				    (row.done != HOSO_DATE_NONE && row.done < row.recv))
					abort();
			}
			if (r < 0 && err.msg[0] == '\0')
				abort();
			hoso_register_close(reg);
			reg = NULL;
		}
		parts_equal_whole(fds[0], size, data, &o);
		fclose(f);
	}
	return 0;
}
