#!/bin/sh
# Builds the Linux variant of the shim whose darwin sources (XPC, Security, IOKit, os_log and
# the __APPLE__ spawn branch) run against the simulator in this directory:
#
#   xpcsim/build.sh OUTDIR   writes OUTDIR/libtunnelshim-xpcsim.so and OUTDIR/xpcsim-launchd,
#                            and, with XPCSIM_TEST_OUT set, the C semantics test program and a
#                            copy of xpcsim-launchd there.
#
# The darwin sources need a compiler with blocks (-fblocks). gcc has none, so:
#   CC_BLOCKS   if set, that compiler;
#   clang       if it is on PATH;
#   zig cc      from ZIG_ARCHIVE (the zig-linux-x86_64 tar.xz that the Maven build fetches),
#               unpacked once into ZIG_DIR.
# Files without blocks are compiled with CC (the same compiler as the plain library).
# Environment: CC, ARCH, CC_BLOCKS, ZIG_ARCHIVE, ZIG_DIR, XPCSIM_WORK (object files), XPCSIM_TEST_OUT.
set -eu
sim=$(cd "$(dirname "$0")" && pwd)
shim=$(dirname "$sim")
out=${1:?usage: xpcsim/build.sh OUTDIR}
CC=${CC:-cc}
ARCH=${ARCH:-$(uname -m)}
lib="$out/libtunnelshim-xpcsim.so"
launchd="$out/xpcsim-launchd"
test_bin="${XPCSIM_TEST_OUT:+$XPCSIM_TEST_OUT/xpcsim-test}"

newest_ok() { # true when $1 exists and no source is newer
  [ -f "$1" ] || return 1
  for f in "$shim"/*.c "$shim"/*.h "$shim"/build.sh "$sim"/*.c "$sim"/*.h "$sim"/build.sh "$sim"/include/*.h \
           "$sim"/include/*/*.h "$sim"/test/*.c; do
    [ -e "$f" ] || continue
    [ "$f" -nt "$1" ] && return 1
  done
  return 0
}
if newest_ok "$lib" && newest_ok "$launchd" &&
   { [ -z "$test_bin" ] || { newest_ok "$test_bin" && newest_ok "$XPCSIM_TEST_OUT/xpcsim-launchd"; }; }; then
  exit 0
fi

if [ -z "${CC_BLOCKS:-}" ]; then
  if command -v clang >/dev/null 2>&1; then
    CC_BLOCKS=clang
  elif [ -n "${ZIG_ARCHIVE:-}" ] && [ -f "$ZIG_ARCHIVE" ]; then
    zig_dir=${ZIG_DIR:?ZIG_DIR must name where to unpack zig}
    name=$(basename "$ZIG_ARCHIVE" .tar.xz)
    if [ ! -x "$zig_dir/$name/zig" ]; then
      if ! command -v xz >/dev/null 2>&1; then
        echo "native-shim: unpacking $ZIG_ARCHIVE needs xz (Debian/Ubuntu: apt-get install xz-utils), or install clang" >&2
        exit 1
      fi
      mkdir -p "$zig_dir"
      echo "native-shim: unpacking zig (the blocks-capable compiler for the XPC simulator) into $zig_dir"
      tar -xJf "$ZIG_ARCHIVE" -C "$zig_dir"
    fi
    CC_BLOCKS="$zig_dir/$name/zig cc"
    # zig caches what it compiles; keep that next to the unpacked compiler, not in $HOME.
    export ZIG_GLOBAL_CACHE_DIR="$zig_dir/cache" ZIG_LOCAL_CACHE_DIR="$zig_dir/cache"
  else
    echo "native-shim: the XPC simulator needs a C compiler with blocks (-fblocks): install clang" \
         "(Debian/Ubuntu: apt-get install clang) or set CC_BLOCKS. The zig that the Maven build fetches" \
         "exists for x86_64 Linux only; this is $ARCH." >&2
    exit 1
  fi
fi

work=${XPCSIM_WORK:-$(mktemp -d)}
mkdir -p "$work" "$out"
warn="-Wall -Wextra -Werror -fPIC -O2 -fvisibility=hidden -std=gnu11"
darwin="-D__APPLE__ -I$sim/include"

# shellcheck disable=SC2086 # compilers and flags are word lists on purpose
compile() { # compiler flags source object
  $1 $warn $2 ${EXTRA_CFLAGS:-} -c "$3" -o "$work/$4.o"
}
# The shim: its Linux sources as they are, its darwin sources as on a Mac.
for f in shim_err shim_tun shim_fd shim_icmp shim_net; do compile "$CC" "" "$shim/$f.c" "$f"; done
for f in shim_caps shim_spawn shim_codesign; do compile "$CC" "$darwin" "$shim/$f.c" "$f"; done
for f in shim_xpc shim_power shim_log; do compile "$CC_BLOCKS" "$darwin -fblocks" "$shim/$f.c" "$f"; done
# The simulator. spawn.c implements Apple's <spawn.h> with glibc's, so it must not see ours.
for f in common io codesign os_log blocks_runtime kqueue; do compile "$CC" "-I$sim/include" "$sim/$f.c" "sim_$f"; done
compile "$CC" "" "$sim/spawn.c" sim_spawn
for f in dispatch xpc_object xpc_connection iokit_power; do compile "$CC_BLOCKS" "-fblocks -I$sim/include" "$sim/$f.c" "sim_$f"; done

sim_objs="$work/sim_common.o $work/sim_io.o $work/sim_codesign.o $work/sim_os_log.o $work/sim_blocks_runtime.o $work/sim_kqueue.o \
  $work/sim_spawn.o $work/sim_dispatch.o $work/sim_xpc_object.o $work/sim_xpc_connection.o $work/sim_iokit_power.o"
shim_objs=""
for f in shim_err shim_tun shim_fd shim_icmp shim_net shim_caps shim_spawn shim_codesign shim_xpc shim_power shim_log; do
  shim_objs="$shim_objs $work/$f.o"
done
# shellcheck disable=SC2086
$CC -shared -Wl,-soname,libtunnelshim-xpcsim.so -Wl,-z,noexecstack -Wl,-z,defs $shim_objs $sim_objs -lpthread \
  -o "$lib.tmp"
mv -f "$lib.tmp" "$lib"

# launchd.c spawns jobs with glibc's posix_spawn, so it must not see our <spawn.h> either.
compile "$CC" "-Wno-format-truncation" "$sim/launchd.c" sim_launchd
$CC "$work/sim_launchd.o" "$work/sim_common.o" -o "$launchd.tmp"
mv -f "$launchd.tmp" "$launchd"

if [ -n "$test_bin" ]; then
  mkdir -p "$XPCSIM_TEST_OUT"
  # The test's own launchd, at a path that does not depend on how a build tool names the arch.
  cp -f "$launchd" "$XPCSIM_TEST_OUT/xpcsim-launchd"
  compile "$CC_BLOCKS" "-fblocks -I$sim/include" "$sim/test/xpcsim_test.c" xpcsim_test
  # shellcheck disable=SC2086
  $CC "$work/xpcsim_test.o" $sim_objs -lpthread -o "$test_bin.tmp"
  mv -f "$test_bin.tmp" "$test_bin"
fi
