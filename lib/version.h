/* version.h - the library's version, as a program linked to it sees it at run time. */
#ifndef HOSO_VERSION_H
#define HOSO_VERSION_H

/* "MAJOR.MINOR.PATCH" of the libhoso that is running (hoso.h has the one built against). */
const char *hoso_version(void);

#endif
