package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.shim.ProcessCredentials;

/** The effective uid, which decides who must own the binary directory. */
final class ProcessIdentity {

    private ProcessIdentity() {}

    static int effectiveUid() {
        return ProcessCredentials.effectiveUid();
    }
}
