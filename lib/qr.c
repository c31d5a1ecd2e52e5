/* qr.c - QR codes: making them with libqrencode, reading them with zbar (the only user of both). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>
#include <zbar.h>

#include "buf.h"
#include "err.h"
#include "i18n.h"
#include "qr.h"

int
hoso_qr_encode(const char *text, struct hoso_qr_matrix *m, struct hoso_err *err)
{
	QRcode *code = NULL;
	size_t n, i;
	int r;

	if (m == NULL || text == NULL) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("QR code: no text to encode"));
		goto out;
	}
	m->size = 0;
	m->modules = NULL;
	/*
	 * Case sensitive, with the 8-bit mode hint: runs of digits and upper
	 * case still use the denser modes (a smaller symbol, bigger modules),
	 * anything else goes in 8-bit mode, so the text (UTF-8 too) comes back
	 * byte for byte. Level M survives a smudge or a staple hole.
	 */
	errno = 0;
	code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (code == NULL) {
		if (errno == ERANGE || errno == EINVAL)
			r = hoso_err_set(err, HOSO_EINPUT,
			    _("QR code: \"%.64s\" is too long to encode"), text);
		else
			r = hoso_err_sys(err, errno != 0 ? errno : ENOMEM,
			    _("QR code: cannot encode \"%.64s\""), text);
		goto out;
	}
	n = (size_t)code->width * (size_t)code->width;
	if ((m->modules = malloc(n)) == NULL) {
		r = hoso_err_sys(err, ENOMEM, _("QR code: cannot encode \"%.64s\""), text);
		goto out;
	}
	/* libqrencode keeps other flags in the upper bits; bit 0 is "dark". */
	for (i = 0; i < n; i++)
		m->modules[i] = code->data[i] & 1;
	m->size = code->width;
	r = 0;
out:
	if (code != NULL)
		QRcode_free(code);
	return r;
}

void
hoso_qr_matrix_free(struct hoso_qr_matrix *m)
{
	if (m == NULL)
		return;
	free(m->modules);
	m->modules = NULL;
	m->size = 0;
}

/*
 * zbar objects are made per call: a scanner keeps state between scans, so
 * sharing one between worker threads would need a lock.
 */
int
hoso_qr_decode(const unsigned char *grey, int width, int height, struct hoso_buf *texts,
    int *n, struct hoso_err *err)
{
	zbar_image_scanner_t *scanner = NULL;
	zbar_image_t *image = NULL;
	const zbar_symbol_t *sym;
	int found = 0, r;

	if (n != NULL)
		*n = 0;
	if (grey == NULL || texts == NULL || n == NULL || width <= 0 || height <= 0 ||
	    (unsigned long)width > ULONG_MAX / (unsigned long)height) {
		r = hoso_err_set(err, HOSO_EUSAGE, _("QR decoding: no image"));
		goto out;
	}
	if ((scanner = zbar_image_scanner_create()) == NULL ||
	    (image = zbar_image_create()) == NULL) {
		r = hoso_err_sys(err, ENOMEM, _("QR decoding"));
		goto out;
	}
	/* Only QR: the other symbologies cost time and find false codes in text. */
	zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	/* Keep the bytes as they are instead of guessing a character set. */
	zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(image, (unsigned)width, (unsigned)height);
	zbar_image_set_data(image, grey, (unsigned long)width * (unsigned long)height, NULL);
	if (zbar_scan_image(scanner, image) < 0) {
		r = hoso_err_set(err, HOSO_EENGINE, _("QR decoding: zbar failed"));
		goto out;
	}
	for (sym = zbar_image_first_symbol(image); sym != NULL;
	    sym = zbar_symbol_next(sym)) {
		if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
			continue;
		if ((r = hoso_buf_add(texts, zbar_symbol_get_data(sym),
		    zbar_symbol_get_data_length(sym), err)) != 0)
			goto out;
		if ((r = hoso_buf_addc(texts, '\0', err)) != 0)
			goto out;
		found++;
	}
	*n = found;
	r = 0;
out:
	if (image != NULL)
		zbar_image_destroy(image);
	if (scanner != NULL)
		zbar_image_scanner_destroy(scanner);
	return r;
}
