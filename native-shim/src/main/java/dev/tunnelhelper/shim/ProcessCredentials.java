package dev.tunnelhelper.shim;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Who this process is as the kernel checks it: the effective uid, which decides what it may open
 * and who must own what it trusts. The JVM reports only the real uid; this asks libc directly
 * (no shim function needed, so it works before and without the shim library).
 */
public final class ProcessCredentials {

    private interface LibC extends Library {
        int geteuid();
    }

    private static final class Holder {
        static final int EUID = load().geteuid();

        private static LibC load() {
            JnaSearch.loaderOnly();
            return Native.load("c", LibC.class);
        }
    }

    private ProcessCredentials() {}

    /** {@code geteuid()}, read once: nothing in this code changes it. */
    public static int effectiveUid() {
        return Holder.EUID;
    }
}
