package dev.tunnelhelper.shim;

import dev.tunnelhelper.shim.digest.Digests;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Run in a JVM of its own by {@link JnaSearchTest}: loads what the daemon loads through JNA by
 * name (libc, libcrypto) and the shim, and prints every program the JVM was asked to start
 * meanwhile. A security manager is the one hook the JDK 17 has on every process start.
 */
public final class JnaSearchProbe {
    private JnaSearchProbe() {}

    @SuppressWarnings("removal") // the only process-start hook there is on JDK 17
    public static void main(String[] args) {
        List<String> started = new CopyOnWriteArrayList<>();
        System.setSecurityManager(new SecurityManager() {
            @Override
            public void checkExec(String command) {
                started.add(command);
            }

            @Override
            public void checkPermission(java.security.Permission permission) {
                // everything else is allowed
            }
        });
        ProcessCredentials.effectiveUid();
        String engine = Digests.system().engine();
        NativeShim.get();
        System.out.println("engine " + engine);
        System.out.println("started " + started);
    }
}
