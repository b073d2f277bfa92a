/* xpcsim: the few Mach types IOKit's C API is written in. Ports are plain numbers here. */
#ifndef XPCSIM_MACH_H
#define XPCSIM_MACH_H
#include <stdint.h>
typedef unsigned int mach_port_t;
typedef int kern_return_t;
#define MACH_PORT_NULL ((mach_port_t)0)
#define KERN_SUCCESS 0
#endif
