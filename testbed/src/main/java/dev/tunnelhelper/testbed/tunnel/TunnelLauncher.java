package dev.tunnelhelper.testbed.tunnel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Writes the reference tunnel as an executable: a {@code /bin/sh} script that starts this JVM's
 * {@code java} on the testbed classes with the tunnel's settings baked in. The helper runs it
 * with a scrubbed environment, so every path in it is absolute.
 */
public final class TunnelLauncher {
    private TunnelLauncher() {}

    /** The script's bytes for the current JVM and classpath. */
    public static byte[] script(TunnelSettings settings) {
        return script(settings, javaExecutable(), System.getProperty("java.class.path"));
    }

    public static byte[] script(TunnelSettings settings, String java, String classpath) {
        StringBuilder sb = new StringBuilder();
        sb.append("#!/bin/sh\n");
        sb.append("# Tunnel Helper testbed reference tunnel (")
                .append(settings.version())
                .append(", fault ")
                .append(settings.fault())
                .append(").\n");
        sb.append("# Speaks the CoderVPN tunnel role; see docs/testbed.md.\n");
        if (settings.fault().kind() == TunnelFault.Kind.IGNORE_STOP) {
            // An ignored SIGTERM survives exec, and the JVM leaves a shutdown signal ignored by its parent alone.
            sb.append("trap '' TERM\n");
        }
        sb.append("exec ")
                .append(quote(java))
                .append(" -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto");
        for (Map.Entry<String, String> p : settings.toProperties().entrySet()) {
            sb.append(" \\\n  ").append(quote("-D" + p.getKey() + "=" + p.getValue()));
        }
        sb.append(" \\\n  -cp ").append(quote(classpath));
        sb.append(" \\\n  ").append(ReferenceTunnelMain.class.getName()).append(" \"$@\"\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the launcher to {@code target} with mode 0755. */
    public static Path write(Path target, TunnelSettings settings) throws IOException {
        Files.write(target, script(settings));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        return target;
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
