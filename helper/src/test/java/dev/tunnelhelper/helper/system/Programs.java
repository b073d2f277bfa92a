package dev.tunnelhelper.helper.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for the real programs. The testbed runs through its {@code bin/} launcher (built
 * before this module); the helper and the two client CLIs run from this test's classpath, because
 * this module's launch classpath is only written at {@code package}, after the tests.
 */
final class Programs {
    static final Path ROOT = findRoot();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Programs() {}

    private static Path findRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("bin/_launch"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (bin/_launch) above "
                    + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** Fails with what to do when a launcher would have to build a module first (no Maven inside Maven). */
    static void requireBuilt(String module) {
        if (!Files.exists(ROOT.resolve(module).resolve("target/classpath.txt"))) {
            throw new AssertionError(module + " is not built (no " + module + "/target/classpath.txt): run "
                    + "./mvnw -B -DskipTests -pl " + module + " -am package first");
        }
    }

    static List<String> bin(String launcher, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(ROOT.resolve("bin").resolve(launcher).toString());
        argv.addAll(List.of(args));
        return argv;
    }

    private static List<String> java(List<String> jvmOptions, String mainClass, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(jvmOptions);
        argv.add("-cp");
        argv.add(System.getProperty("java.class.path"));
        argv.add(mainClass);
        argv.addAll(List.of(args));
        return argv;
    }

    /** The daemon, with its own logging configuration ({@code HelperLogging} comes before any XML file on the classpath). */
    static List<String> tunnelHelper(String... args) {
        return java(List.of(), "dev.tunnelhelper.helper.HelperMain", args);
    }

    static List<String> appClient(String... args) {
        return java(List.of(), "dev.tunnelhelper.app.cli.AppClientMain", args);
    }

    /**
     * {@code env --default-signal=INT}: a child of a background job inherits SIGINT as ignored,
     * and a JVM that starts with SIGINT ignored never sees Ctrl-C. The bridge must see it here.
     */
    static List<String> netextBridge(String... args) {
        List<String> argv = new ArrayList<>(List.of("env", "--default-signal=INT"));
        argv.addAll(java(List.of(), "dev.tunnelhelper.netext.cli.NetextBridgeMain", args));
        return argv;
    }

    /** Output and exit code of a short-lived command. */
    record Result(int code, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    static Result run(Path logDir, String name, List<String> argv, Duration limit)
            throws IOException, InterruptedException {
        try (Launched p = Launched.start(name, logDir, argv, null)) {
            int code = p.awaitExit(limit);
            return new Result(code, p.out(), p.err());
        }
    }

    static JsonNode readJson(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }
}
