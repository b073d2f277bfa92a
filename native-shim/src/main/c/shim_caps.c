#include "shim.h"

/* The darwin sources (XPC, Security, IOKit, os_log) are in this library exactly when it was
 * built for __APPLE__, on a Mac or against the Linux simulator of those APIs. */
int th_capabilities(void) {
#ifdef __APPLE__
    return TH_CAP_XPC | TH_CAP_CODE_SIGNATURE | TH_CAP_POWER_EVENTS | TH_CAP_UNIFIED_LOGGING;
#else
    return 0;
#endif
}
