package dev.tunnelhelper.shim;

import com.sun.jna.Platform;

/**
 * How JNA looks for a library given by name (libc, the system's libcrypto): through the dynamic
 * loader's own search, as {@code dlopen} does for any program. Left to its default on Linux, JNA
 * builds a search path of its own the first time it loads anything, by starting {@code
 * /sbin/ldconfig -p} and parsing its output: a child process of the root daemon in its first
 * session, and a second search beside the loader's that may pick another file. With {@code
 * jna.platform.library.path} empty it looks in no directory of its own and hands the name to
 * {@code dlopen}. The shim itself is loaded by absolute path either way. A value given on the
 * command line wins; elsewhere than Linux JNA runs nothing and is left alone.
 */
public final class JnaSearch {
    static final String PLATFORM_PATH_PROPERTY = "jna.platform.library.path";

    private JnaSearch() {}

    /** Before the first library JNA loads by name: it reads the property once, when it first loads one. */
    public static void loaderOnly() {
        if (Platform.isLinux() && System.getProperty(PLATFORM_PATH_PROPERTY) == null) {
            System.setProperty(PLATFORM_PATH_PROPERTY, "");
        }
    }
}
