/*
 * Unified logging through os_log. The prototypes are declared here because the cross-compiling
 * SDK (zig) ships no <os/log.h>; th_log_write expands what Apple's os_log_with_type macro does
 * for one constant format, "%{public}s": clang builds the argument buffer, and the format
 * string sits in __TEXT,__oslogstring where `log show` looks formats up.
 */
#ifdef __APPLE__
#include "shim.h"

#include <stdbool.h>

typedef struct os_log_s *os_log_t;
typedef uint8_t os_log_type_t;
extern os_log_t os_log_create(const char *subsystem, const char *category);
extern bool os_log_type_enabled(os_log_t log, os_log_type_t type);
extern void _os_log_impl(void *dso, os_log_t log, os_log_type_t type, const char *format, uint8_t *buf, uint32_t size);
extern char __dso_handle;

#define OS_LOG_TYPE_DEFAULT 0x00
#define OS_LOG_TYPE_INFO 0x01
#define OS_LOG_TYPE_DEBUG 0x02
#define OS_LOG_TYPE_ERROR 0x10
#define OS_LOG_TYPE_FAULT 0x11

#ifdef __MACH__
#define OSLOG_STRING_SECTION __attribute__((section("__TEXT,__oslogstring,cstring_literals")))
#else
#define OSLOG_STRING_SECTION
#endif

th_log *th_log_open(const char *subsystem, const char *category) {
    if (subsystem == NULL || category == NULL) return NULL;
    return (th_log *)os_log_create(subsystem, category);
}

void th_log_write(th_log *log, int level, const char *message) {
    if (log == NULL || message == NULL) return;
    static const os_log_type_t types[] = {OS_LOG_TYPE_DEBUG, OS_LOG_TYPE_INFO, OS_LOG_TYPE_DEFAULT, OS_LOG_TYPE_ERROR,
                                          OS_LOG_TYPE_FAULT};
    os_log_type_t type = (level >= 0 && level <= TH_LOG_FAULT) ? types[level] : OS_LOG_TYPE_DEFAULT;
    os_log_t l = (os_log_t)log;
    if (!os_log_type_enabled(l, type)) return;
    OSLOG_STRING_SECTION static const char format[] = "%{public}s";
    uint8_t buf[__builtin_os_log_format_buffer_size("%{public}s", message)];
    _os_log_impl(&__dso_handle, l, type, format, (uint8_t *)__builtin_os_log_format(buf, "%{public}s", message),
                 (uint32_t)sizeof buf);
}
#endif
