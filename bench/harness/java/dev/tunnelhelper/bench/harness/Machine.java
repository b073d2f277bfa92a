package dev.tunnelhelper.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** What the figures depend on: CPUs, kernel, JDK, compiler, and the load average. */
final class Machine {
    private Machine() {}

    /** An executable of that name on PATH. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        return path == null ? Optional.empty() : Arrays.stream(path.split(":")).filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }

    /** The C compiler: $CC when set (as for the native shim's build), else cc. */
    static String compiler() {
        String cc = System.getenv("CC");
        return cc == null || cc.isBlank() ? "cc" : cc.trim();
    }

    static int cpus() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The 1, 5 and 15 minute load averages, e.g. "0.12 0.30 0.41". */
    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return String.join(" ", Arrays.copyOf(f, 3));
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String describe(String compiler) {
        String model = "unknown CPU";
        try {
            model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(model);
        } catch (IOException e) {
            // keep "unknown CPU"
        }
        String opts = System.getenv("TUNNEL_HELPER_JAVA_OPTS");
        return cpus() + " CPUs (" + model + "), Linux " + System.getProperty("os.version") + ", Java "
                + System.getProperty("java.vm.version") + " (" + System.getProperty("java.home") + "), " + compiler
                + (opts == null || opts.isBlank() ? "" : ", TUNNEL_HELPER_JAVA_OPTS=" + opts);
    }
}
