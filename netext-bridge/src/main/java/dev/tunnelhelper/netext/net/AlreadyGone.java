package dev.tunnelhelper.netext.net;

import dev.tunnelhelper.netext.SettingsApplyException;
import dev.tunnelhelper.shim.NativeException;

/**
 * Whether a failed deletion failed because there was nothing left to delete: the kernel's
 * {@code ENODEV} (the interface is gone, and every address and route on it with it),
 * {@code EADDRNOTAVAIL} (no such address) or {@code ESRCH} (no such route). Only netlink's
 * failures carry an errno; a command's failure (macOS) is never taken for one of these.
 */
final class AlreadyGone {
    static final int ESRCH = 3;
    static final int ENODEV = 19;
    static final int EADDRNOTAVAIL = 99;

    private AlreadyGone() {}

    static boolean explains(SettingsApplyException e) {
        if (e.getCause() instanceof NativeException n) {
            return n.errno() == ENODEV || n.errno() == EADDRNOTAVAIL || n.errno() == ESRCH;
        }
        return false;
    }
}
