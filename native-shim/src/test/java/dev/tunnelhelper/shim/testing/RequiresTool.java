package dev.tunnelhelper.shim.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test runs an optional program that the README's "Fresh machine" does not promise. Without it
 * the test is skipped, naming the program and the package that has it, unless the program is in
 * {@code REQUIRE_TOOLS} (space- or comma-separated names, set by .ci/run to the tools its machine
 * has): then it fails, so a machine that could run the test never silently skips it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(ToolExtension.class)
public @interface RequiresTool {
    /** Names looked up like {@code dev.tunnelhelper.shim.Executables} does, or absolute paths. */
    String[] value();
}
