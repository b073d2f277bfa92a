package dev.tunnelhelper.launchd;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The helper daemon's JVM options, read from the {@code daemon-jvm-options} resource: the one list
 * that bin/tunnel-helper, the jlink image's launcher and the macOS bundle's launcher all pass, so
 * they cannot drift apart (docs/performance.md, "JVM flags chosen for a small resident daemon").
 */
public final class DaemonJvmOptions {
    static final String RESOURCE = "daemon-jvm-options";
    private static final Pattern SHELL_SAFE_OPTION = Pattern.compile("-[A-Za-z0-9:+=.,_/-]+");

    private DaemonJvmOptions() {}

    /** The options in their order: each line of the resource, without comments and blank lines. */
    public static List<String> get() {
        try (InputStream in = DaemonJvmOptions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " missing from the launchd jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The shell launchers split the same text into words, so an option holding white space or
     * shell syntax would not reach the JVM as one argument: refused here, where a test sees it.
     */
    static List<String> parse(String text) {
        List<String> options = new ArrayList<>();
        for (String line : text.lines().toList()) {
            int comment = line.indexOf('#');
            String option = (comment >= 0 ? line.substring(0, comment) : line).strip();
            if (option.isEmpty()) {
                continue;
            }
            if (!SHELL_SAFE_OPTION.matcher(option).matches()) {
                throw new IllegalStateException(
                        RESOURCE + ": not a single JVM option a shell passes unchanged: " + option);
            }
            options.add(option);
        }
        return List.copyOf(options);
    }
}
