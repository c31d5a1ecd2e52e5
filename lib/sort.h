/* sort.h - qsort for arrays that may be empty (and then NULL), where qsort itself is undefined. */
#ifndef HOSO_SORT_H
#define HOSO_SORT_H

#include <stddef.h>

/* Sort n elements of size bytes at base with cmp; fewer than two: nothing, base not read. */
void hoso_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
