/*
 * sort.c - hoso_sort: qsort's contract requires a valid pointer even for zero elements, and an
 * empty array is often NULL (UBSan stops on it: found by fuzz_pades in pdfdiff.c and by CI in
 * index.c and kpi.c); one guard here instead of one at each call.
 */
#include <stdlib.h>

#include "sort.h"

void
hoso_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}
