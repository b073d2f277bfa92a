package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.shim.testing.RequiresCapability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** os_log through the shim, read back from the simulator's log store. */
@RequiresCapability(Capability.UNIFIED_LOGGING)
class UnifiedLogTest {

    private static List<String[]> entries(String subsystem) throws Exception {
        Path store = Path.of(System.getenv("XPCSIM_ROOT"), "log/unified.log");
        return Files.readAllLines(store).stream()
                .map(l -> l.split("\t", -1))
                .filter(f -> f[3].equals(subsystem))
                .toList();
    }

    @Test
    void aShimWithOsLogIsOneTheHelperKnowsToAskBeforeLoadingIt() {
        assertTrue(NativeShim.mayHaveDarwinApis());
    }

    @Test
    void messagesReachTheStoreWithSubsystemCategoryAndLevel() throws Exception {
        Assumptions.assumeTrue(NativeShim.get().variant() == ShimVariant.XPC_SIMULATOR, "reads the simulator's store");
        String subsystem = "com.example.vpn." + UUID.randomUUID();
        UnifiedLog daemon = UnifiedLog.open(subsystem, "daemon");
        daemon.log(UnifiedLog.Level.DEBUG, "not persisted by default");
        daemon.log(UnifiedLog.Level.INFO, "kept in memory only");
        daemon.log(UnifiedLog.Level.DEFAULT, "tunnel started\tpid 42");
        UnifiedLog.open(subsystem, "xpc").log(UnifiedLog.Level.ERROR, "peer refused");
        List<String[]> lines = entries(subsystem);
        assertEquals(2, lines.size(), "debug and info are not persisted in the default configuration");
        assertEquals(
                List.of("Default", "daemon", "tunnel started\\tpid 42"),
                List.of(lines.get(0)[2], lines.get(0)[4], lines.get(0)[5]));
        assertEquals(
                List.of("Error", "xpc", "peer refused"), List.of(lines.get(1)[2], lines.get(1)[4], lines.get(1)[5]));
        assertEquals(String.valueOf(ProcessHandle.current().pid()), lines.get(0)[1]);
    }
}
