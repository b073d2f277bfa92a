#include "shim.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int th_fail(char *err, size_t errlen, int errnum, const char *fmt, ...) {
    if (err != NULL && errlen > 0) {
        char what[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        char reason[128];
        /* strerror is not thread-safe; the XSI strerror_r is on both glibc (with our feature
         * macros) and macOS. */
        if (strerror_r(errnum, reason, sizeof reason) != 0) {
            snprintf(reason, sizeof reason, "errno %d", errnum);
        }
        snprintf(err, errlen, "%s: %s (errno %d)", what, reason, errnum);
    }
    return errnum > 0 ? -errnum : -1;
}
