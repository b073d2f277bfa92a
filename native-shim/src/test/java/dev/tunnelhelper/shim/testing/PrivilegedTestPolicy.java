package dev.tunnelhelper.shim.testing;

import java.util.ArrayList;
import java.util.List;

/** Decides run / skip / fail for a privileged test from what the machine offers. */
public final class PrivilegedTestPolicy {
    public static final String REQUIRE_ENV = "REQUIRE_PRIVILEGED_TESTS";

    public enum Verdict {
        RUN,
        SKIP,
        FAIL
    }

    /** The verdict and, unless RUN, why. */
    public record Decision(Verdict verdict, String reason) {}

    private PrivilegedTestPolicy() {}

    public static Decision decide(boolean root, boolean tunUsable, String requireEnv) {
        List<String> missing = new ArrayList<>();
        if (!root) {
            missing.add("not running as root");
        }
        if (!tunUsable) {
            missing.add("/dev/net/tun is missing or not readable and writable");
        }
        if (missing.isEmpty()) {
            return new Decision(Verdict.RUN, "");
        }
        String what = String.join(", ", missing);
        if ("1".equals(requireEnv)) {
            return new Decision(Verdict.FAIL, REQUIRE_ENV + "=1 but " + what);
        }
        return new Decision(
                Verdict.SKIP,
                "privileged test skipped: " + what + " (set " + REQUIRE_ENV + "=1 to make this a failure)");
    }
}
