package dev.tunnelhelper.shim.testing;

import dev.tunnelhelper.shim.Capability;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test of a macOS feature: it runs wherever the loaded shim has the capabilities (macOS, or
 * Linux with the XPC simulator loaded: native-shim's xpcsim-test run) and is skipped, naming
 * them, elsewhere. Tagged {@code darwin-api} so a build can run these in the simulator's JVM.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("darwin-api")
@ExtendWith(CapabilityExtension.class)
public @interface RequiresCapability {
    Capability[] value();
}
