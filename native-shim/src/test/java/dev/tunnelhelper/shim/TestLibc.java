package dev.tunnelhelper.shim;

import com.sun.jna.Library;
import com.sun.jna.Native;

/** libc calls the tests need to set up hostile conditions (not part of the shim's API). */
interface TestLibc extends Library {
    TestLibc INSTANCE = Native.load("c", TestLibc.class);

    int SIG_BLOCK = 0;
    int SIG_SETMASK = 2;

    int pthread_sigmask(int how, byte[] set, byte[] oldset);

    /** A glibc sigset_t (128 bytes) with the given signals set. */
    static byte[] sigset(int... signals) {
        byte[] set = new byte[128];
        for (int s : signals) {
            set[(s - 1) / 8] |= (byte) (1 << ((s - 1) % 8));
        }
        return set;
    }
}
