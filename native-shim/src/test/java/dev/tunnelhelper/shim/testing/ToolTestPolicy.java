package dev.tunnelhelper.shim.testing;

import dev.tunnelhelper.shim.testing.PrivilegedTestPolicy.Decision;
import dev.tunnelhelper.shim.testing.PrivilegedTestPolicy.Verdict;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Decides run / skip / fail for a test that needs optional programs, like {@link PrivilegedTestPolicy}. */
public final class ToolTestPolicy {
    public static final String REQUIRE_ENV = "REQUIRE_TOOLS";

    /** Where each optional program comes from, for the skip message (Debian package names). */
    private static final Map<String, String> PACKAGES = Map.of(
            "systemd-analyze", "systemd",
            "python3", "python3",
            "setpriv", "util-linux");

    private ToolTestPolicy() {}

    /** The tools named in {@code REQUIRE_TOOLS}'s value (null: none). */
    public static Set<String> required(String requireEnv) {
        if (requireEnv == null || requireEnv.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(requireEnv.trim().split("[\\s,]+")).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The policy for a machine that lacks the given tools.
     *
     * @param missing the tools (names or absolute paths) this machine lacks */
    public static Decision decide(List<String> missing, Set<String> required) {
        if (missing.isEmpty()) {
            return new Decision(Verdict.RUN, "");
        }
        List<String> requiredButMissing =
                missing.stream().filter(t -> required.contains(baseName(t))).toList();
        if (!requiredButMissing.isEmpty()) {
            return new Decision(
                    Verdict.FAIL,
                    REQUIRE_ENV + " names " + String.join(", ", requiredButMissing) + " but this machine does not have "
                            + (requiredButMissing.size() == 1 ? "it" : "them"));
        }
        return new Decision(
                Verdict.SKIP,
                "skipped: needs "
                        + missing.stream().map(ToolTestPolicy::describe).collect(Collectors.joining(", "))
                        + " (list it in " + REQUIRE_ENV + " to make this a failure)");
    }

    private static String describe(String tool) {
        String pkg = PACKAGES.get(baseName(tool));
        return tool + " (not installed" + (pkg == null ? "" : "; Debian/Ubuntu: apt-get install " + pkg) + ")";
    }

    private static String baseName(String tool) {
        return Path.of(tool).getFileName().toString();
    }
}
