package dev.tunnelhelper.shim.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Backs {@link RequiresRootAndTun}. A skip is a disabled condition; a required-but-missing
 * environment enables the test and then fails it in a callback, because a condition can
 * only enable or disable.
 */
public final class RootAndTunExtension implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback {
    private static final Path TUN = Path.of("/dev/net/tun");

    static PrivilegedTestPolicy.Decision current() {
        return PrivilegedTestPolicy.decide(isRoot(), tunUsable(), System.getenv(PrivilegedTestPolicy.REQUIRE_ENV));
    }

    private static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    private static boolean tunUsable() {
        return Files.exists(TUN) && Files.isReadable(TUN) && Files.isWritable(TUN);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        PrivilegedTestPolicy.Decision d = current();
        return d.verdict() == PrivilegedTestPolicy.Verdict.SKIP
                ? ConditionEvaluationResult.disabled(d.reason())
                : ConditionEvaluationResult.enabled("root and /dev/net/tun available or required");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        failIfRequired();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        failIfRequired();
    }

    private static void failIfRequired() {
        PrivilegedTestPolicy.Decision d = current();
        if (d.verdict() == PrivilegedTestPolicy.Verdict.FAIL) {
            throw new AssertionError(d.reason());
        }
    }
}
