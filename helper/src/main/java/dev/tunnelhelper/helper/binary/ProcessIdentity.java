package dev.tunnelhelper.helper.binary;

import com.sun.jna.Library;
import com.sun.jna.Native;

/** The effective uid, which decides who must own the binary directory. */
final class ProcessIdentity {

    private interface LibC extends Library {
        int geteuid();
    }

    private static final class Holder {
        static final int EUID = Native.load("c", LibC.class).geteuid();
    }

    private ProcessIdentity() {
    }

    static int effectiveUid() {
        return Holder.EUID;
    }
}
