#!/bin/sh
# Builds libtunnelshim for one platform with nothing but a C compiler (no make needed).
#
#   build.sh OUTROOT     writes OUTROOT/<os>-<arch>/libtunnelshim.so (Linux) or .dylib (macOS)
#
# The Maven build calls it for the host with OUTROOT=target/classes/native; the folder names
# are NativePlatform's (linux|darwin, x86_64|aarch64). scripts/cross-build-shim.sh calls it
# with CC="zig cc -target ...", OS and ARCH set.
# Environment: CC (default cc), OS and ARCH (default: this host), EXTRA_CFLAGS, EXTRA_LDFLAGS,
# FRAMEWORK_DIRS (-F flags for the darwin link).
# On Linux it then builds the XPC simulator variant with xpcsim/build.sh (see there), unless
# XPCSIM=0.
# A library newer than every source and this script is left alone, so a rebuild is a no-op.
set -eu
src=$(cd "$(dirname "$0")" && pwd)
outroot=${1:?usage: build.sh OUTROOT}
CC=${CC:-cc}
if [ -z "${OS:-}" ]; then
  if [ "$(uname -s)" = Darwin ]; then OS=darwin; else OS=linux; fi
fi
ARCH=${ARCH:-$(uname -m)}
case $ARCH in arm64 | aarch64) ARCH=aarch64 ;; esac
out="$outroot/$OS-$ARCH"

compiler=${CC%% *}
if ! command -v "$compiler" >/dev/null 2>&1; then
  echo "native-shim: no C compiler: '$compiler' not found. Install one (Debian/Ubuntu: apt-get install gcc;" \
       "Fedora: dnf install gcc; macOS: xcode-select --install) or point CC at it." >&2
  exit 1
fi

sources="shim_err.c shim_caps.c shim_spawn.c shim_tun.c shim_fd.c shim_icmp.c"
cflags="-Wall -Wextra -Werror -fPIC -O2 -fvisibility=hidden -std=gnu11"
if [ "$OS" = darwin ]; then
  lib=libtunnelshim.dylib
  sources="$sources shim_xpc.c shim_codesign.c shim_power.c shim_log.c"
  cflags="$cflags -fblocks"
  ldflags="-dynamiclib -install_name @rpath/libtunnelshim.dylib ${FRAMEWORK_DIRS:-} -framework Security -framework CoreFoundation -framework IOKit"
else
  lib=libtunnelshim.so
  sources="$sources shim_net.c"
  ldflags="-shared -Wl,-soname,libtunnelshim.so -Wl,-z,noexecstack"
fi

target="$out/$lib"
stale=1
if [ -f "$target" ]; then
  stale=""
  for f in $sources shim.h build.sh; do
    if [ "$src/$f" -nt "$target" ]; then stale=1; fi
  done
fi

if [ -n "$stale" ]; then
  mkdir -p "$out"
  paths=""
  for f in $sources; do paths="$paths $src/$f"; done
  # One compiler run compiles and links; the library appears under its name only when complete.
  # shellcheck disable=SC2086 # CC, the flags and the paths are word lists on purpose
  $CC $cflags ${EXTRA_CFLAGS:-} $paths $ldflags ${EXTRA_LDFLAGS:-} -o "$target.tmp"
  mv -f "$target.tmp" "$target"
fi

if [ "$OS" = linux ] && [ "${XPCSIM:-1}" != 0 ]; then
  CC="$CC" ARCH="$ARCH" sh "$src/xpcsim/build.sh" "$out"
fi
