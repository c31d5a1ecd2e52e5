/* qr.h - QR codes: reading with zbar, making with libqrencode (qr.c only). */
#ifndef HOSO_QR_H
#define HOSO_QR_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* A QR symbol as a square of modules, 1 = dark, row-major, no quiet zone. */
struct hoso_qr_matrix {
	int size;
	unsigned char *modules;	/* size * size bytes */
};

int hoso_qr_encode(const char *text, struct hoso_qr_matrix *m, struct hoso_err *err);
void hoso_qr_matrix_free(struct hoso_qr_matrix *m);

/*
 * Find QR codes in an 8-bit grey image (row stride = width). Each decoded
 * text is appended to texts followed by a NUL byte; *n is their number.
 */
int hoso_qr_decode(const unsigned char *grey, int width, int height, struct hoso_buf *texts,
    int *n, struct hoso_err *err);

#endif
