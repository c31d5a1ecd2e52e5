/* i18n.h - message catalog macros shared by lib/ and cmd/ (text domain "hoso"). */
#ifndef HOSO_I18N_H
#define HOSO_I18N_H

#define HOSO_TEXTDOMAIN "hoso"

#ifdef HOSO_NLS
#include <libintl.h>
#define _(s) dgettext(HOSO_TEXTDOMAIN, s)
#else
#define _(s) (s)
#endif
#define N_(s) (s)

#endif
