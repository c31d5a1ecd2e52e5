/* version.c - hoso_version: the version the library was built as. */
#include "version.h"

const char *
hoso_version(void)
{
	return HOSO_VERSION;
}
