package dev.tunnelhelper.shim.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test needs root and a usable {@code /dev/net/tun}. Without them it is skipped with the
 * reason, unless {@code REQUIRE_PRIVILEGED_TESTS=1}: then it fails, so a CI machine that should
 * run it can never silently skip it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(RootAndTunExtension.class)
public @interface RequiresRootAndTun {}
