/* ocr.h - the OCR engine: one Tesseract instance per worker; ocr.c is the only Tesseract user. */
#ifndef HOSO_OCR_H
#define HOSO_OCR_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "img.h"

/* The Debian package that ships the default language's data, named in messages. */
#define HOSO_OCR_DEFAULT_LANGS	"vie"

struct hoso_ocr_opts {
	const char *tessdata;	/* directory of LANG.traineddata; NULL: Tesseract's default */
	const char *langs;	/* "vie", "vie+eng", ...; NULL: HOSO_OCR_DEFAULT_LANGS */
	int page_timeout_ms;	/* per page; 0: no limit */
	int default_dpi;	/* for images that record no resolution; 0: 300 */
};

struct hoso_ocr_result {
	struct hoso_buf text;	/* UTF-8, NFC */
	struct hoso_buf hocr;	/* one hOCR page (div class="ocr_page"), UTF-8 */
	int confidence;		/* mean word confidence 0..100 */
	bool timed_out;		/* the page was stopped at its deadline (err: HOSO_EINPUT) */
	double seconds;		/* wall time of the recognition */
};

struct hoso_ocr;
struct hoso_ocr_pdf;

/*
 * Create an engine: one Tesseract instance with opts' languages, the LSTM
 * engine and automatic page segmentation. Engines are not shared between
 * threads; create them on one thread (Tesseract's parameters are
 * process-wide while an engine starts) and give each worker its own.
 * Missing language data is HOSO_EENGINE, naming the Debian package.
 * The caller should have OMP_THREAD_LIMIT=1 in the environment: with
 * several workers, OpenMP threads inside each engine only slow things down.
 */
int hoso_ocr_new(const struct hoso_ocr_opts *opts, struct hoso_ocr **eng, struct hoso_err *err);
void hoso_ocr_free(struct hoso_ocr *eng);

/* The Debian package holding LANG's data ("tesseract-ocr-vie"); into out (reset first). */
int hoso_ocr_package(const char *lang, struct hoso_buf *out, struct hoso_err *err);

/*
 * Recognize one page. label names it in messages ("scan.png", "X/pages/0001.norm.tif");
 * page_index (0-based) numbers the page in the hOCR document it will go into.
 * res is reset first and filled on success. A page past its deadline is
 * HOSO_EINPUT with res->timed_out set. The engine keeps the page's results
 * until the next call, for hoso_ocr_pdf_add.
 */
int hoso_ocr_page(struct hoso_ocr *eng, const struct hoso_img *img, const char *label,
    int page_index, struct hoso_ocr_result *res, struct hoso_err *err);
/*
 * The same, recognizing grey (width x height, 8 bits) instead of img's own
 * cleaned grey copy (hoso_img_grey8_clean): a caller that keeps that copy
 * for later (a form's fields read again from it) makes it once. img is still
 * what the searchable PDF shows and gives the resolution.
 */
int hoso_ocr_page_grey(struct hoso_ocr *eng, const struct hoso_img *img,
    const unsigned char *grey, int width, int height, const char *label, int page_index,
    struct hoso_ocr_result *res, struct hoso_err *err);
/* The resolution hoso_ocr_page reads img at: its own, or the engine's default. */
int hoso_ocr_dpi(const struct hoso_ocr *eng, const struct hoso_img *img);
void hoso_ocr_result_free(struct hoso_ocr_result *res);

/*
 * The parts of an hOCR document around the pages of hoso_ocr_result.hocr,
 * as Tesseract's own hOCR renderer writes them. title is escaped here.
 */
int hoso_ocr_hocr_head(struct hoso_buf *out, const char *title, struct hoso_err *err);
int hoso_ocr_hocr_tail(struct hoso_buf *out, struct hoso_err *err);

/*
 * A searchable PDF (page images with invisible text) made by Tesseract's
 * renderer, written under a temporary name beside path and put in place by
 * hoso_ocr_pdf_commit (fsync, rename, fsync of the directory). eng gives
 * the font file (pdf.ttf in its tessdata directory). Pages are added in
 * order from whichever engine recognized them, right after that engine's
 * hoso_ocr_page and before its next one; calls must not overlap.
 */
int hoso_ocr_pdf_begin(struct hoso_ocr *eng, const char *path, const char *title,
    struct hoso_ocr_pdf **pdf, struct hoso_err *err);
int hoso_ocr_pdf_add(struct hoso_ocr_pdf *pdf, struct hoso_ocr *eng, struct hoso_err *err);
/* Number of pages added so far. */
int hoso_ocr_pdf_pages(const struct hoso_ocr_pdf *pdf);
int hoso_ocr_pdf_commit(struct hoso_ocr_pdf *pdf, struct hoso_err *err);
/* commit and abort both free pdf; abort drops its temporary file (NULL is fine). */
void hoso_ocr_pdf_abort(struct hoso_ocr_pdf *pdf);

/* ---- words and lines, for form fields ---- */

/* One recognized word: its text (UTF-8, NFC), box in page pixels and confidence. */
struct hoso_ocr_word {
	char *text;
	int x0, y0, x1, y1;	/* left, top, right, bottom (exclusive) */
	float confidence;	/* 0..100 */
	float min_confidence;	/* of its least sure letter or digit (its confidence if none) */
	size_t line;		/* index of its text line */
};

/* One text line as Tesseract found it: its box and baseline, its words in order. */
struct hoso_ocr_line {
	int x0, y0, x1, y1;
	int base_x0, base_y0, base_x1, base_y1;	/* baseline end points (or the box's bottom) */
	size_t first_word, n_words;
};

struct hoso_ocr_layout {
	struct hoso_ocr_word *words;
	size_t n_words;
	struct hoso_ocr_line *lines;
	size_t n_lines;
	int width, height, dpi;	/* of the image recognized */
};

/*
 * The words and text lines of the page the engine has just recognized (after
 * a successful hoso_ocr_page and before the engine's next call), in
 * Tesseract's reading order. layout is reset first.
 */
int hoso_ocr_layout(struct hoso_ocr *eng, struct hoso_ocr_layout *layout, struct hoso_err *err);
void hoso_ocr_layout_free(struct hoso_ocr_layout *layout);

/* Page segmentation for hoso_ocr_zone. */
enum hoso_ocr_zone_mode {
	HOSO_OCR_ZONE_LINE,	/* one line of text (Tesseract PSM 7) */
	HOSO_OCR_ZONE_BLOCK,	/* a block of lines (PSM 6) */
	HOSO_OCR_ZONE_DIGITS,	/* one line of digits only (PSM 7, a whitelist of 0-9) */
};

/* The model hoso_ocr_zone reads with. */
enum hoso_ocr_zone_model {
	HOSO_OCR_ZONE_PAGE,	/* the engine's own languages (-l) */
	/*
	 * English (eng), for values written in ASCII only: e-mail addresses,
	 * which the Vietnamese model reads badly ("@" as "(@", ".vn" as
	 * ".vii"). Loaded on first use; when its data is not installed the
	 * engine's own languages read the zone.
	 */
	HOSO_OCR_ZONE_LATIN,
	/*
	 * Tesseract's Vietnamese script model (Debian tesseract-ocr-script-viet,
	 * "Vietnamese"), a second witness for Vietnamese text: trained apart from
	 * vie, it does not share all of its misreads of tone marks. Loaded on
	 * first use; when not installed the engine's own languages read the zone.
	 */
	HOSO_OCR_ZONE_SCRIPT,
};

/*
 * Recognize a small 8-bit grey image (a zone cut out of a page: a field's
 * value) as one line or one block, and put its text (NFC, lines joined by a
 * space, trimmed) into text (reset first) and its mean word confidence into
 * *confidence (0 when there are no words). The engine's page results are
 * gone afterwards: add the page to a PDF before. dpi is the zone's
 * resolution after any scaling. words, when not NULL, gets the zone's words
 * and lines (free it with hoso_ocr_layout_free, also on error).
 */
/* Whether model can be loaded (it is, by this call), or reads with the page's languages. */
bool hoso_ocr_zone_model_loaded(struct hoso_ocr *eng, enum hoso_ocr_zone_model model);

int hoso_ocr_zone(struct hoso_ocr *eng, const unsigned char *grey, int width, int height,
    int dpi, enum hoso_ocr_zone_mode mode, enum hoso_ocr_zone_model model,
    struct hoso_buf *text, double *confidence, struct hoso_ocr_layout *words,
    struct hoso_err *err);

#endif
