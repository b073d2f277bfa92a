package dev.tunnelhelper.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.tunnelhelper.helper.config.ConfigLoader;
import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.helper.tunnel.TunnelLogRelay;
import dev.tunnelhelper.protocol.vpn.Log;
import dev.tunnelhelper.shim.Capability;
import dev.tunnelhelper.shim.NativeShim;
import dev.tunnelhelper.shim.ShimVariant;
import dev.tunnelhelper.shim.testing.RequiresCapability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The helper's log lines in unified logging, read back from the simulator's log store: subsystem
 * the bundle id, one category per component, levels as Coder maps them (tunnel FATAL is a Fault).
 */
@RequiresCapability(Capability.UNIFIED_LOGGING)
class UnifiedLogAppenderTest {
    private String subsystem;

    @BeforeEach
    void persistEverythingForThisSubsystem() throws Exception {
        Assumptions.assumeTrue(NativeShim.get().variant() == ShimVariant.XPC_SIMULATOR, "reads the simulator's store");
        subsystem = "com.example.App" + UUID.randomUUID().toString().replace("-", "");
        // As `sudo log config --subsystem S --mode "level:debug,persist:debug"` on a Mac.
        Path config = Files.createDirectories(Path.of(System.getenv("XPCSIM_ROOT"), "log/config"))
                .resolve(subsystem);
        Files.writeString(config, "level:debug,persist:debug");
    }

    private List<List<String>> entries() throws Exception {
        Path store = Path.of(System.getenv("XPCSIM_ROOT"), "log/unified.log");
        return Files.readAllLines(store).stream()
                .map(l -> List.of(l.split("\t", -1)))
                .filter(f -> f.get(3).equals(subsystem))
                .map(f -> f.subList(2, 6))
                .map(f -> List.of(f.get(0), f.get(2), f.get(3)))
                .toList();
    }

    @Test
    void eachComponentIsACategoryAndLevelsMapAsCoderMapsThem() throws Exception {
        LoggerContext context = new LoggerContext();
        UnifiedLogAppender appender = new UnifiedLogAppender(subsystem);
        appender.setContext(context);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(ch.qos.logback.classic.Level.TRACE);
        root.addAppender(appender);

        context.getLogger("dev.tunnelhelper.helper.session.SessionManager")
                .atInfo()
                .setMessage("state changed")
                .addKeyValue("to", "RUNNING")
                .log();
        context.getLogger("dev.tunnelhelper.helper.xpc.XpcEndpointServer").warn("peer refused");
        context.getLogger("dev.tunnelhelper.helper.binary.BinaryAcquirer").debug("cache hit");
        context.getLogger("dev.tunnelhelper.helper.HelperDaemon").error("cannot listen");
        context.getLogger("tunnel.vpn")
                .atError()
                .setMessage("out of memory")
                .addKeyValue(TunnelLogRelay.TUNNEL_LEVEL, "FATAL")
                .log();
        context.getLogger("tunnel.vpn").atError().setMessage("dial failed").log();

        assertEquals(
                List.of(
                        List.of("Info", "session", "state changed to=\"RUNNING\""),
                        List.of("Default", "xpc", "peer refused"),
                        List.of("Debug", "binary", "cache hit"),
                        List.of("Error", "helper", "cannot listen"),
                        List.of("Fault", "tunnel", "out of memory tunnel_level=\"FATAL\""),
                        List.of("Error", "tunnel", "dial failed")),
                entries());
        context.stop();
    }

    @Test
    void runSendsTheHelpersLogsToTheSubsystemOfItsBundle() throws Exception {
        HelperConfig config = ConfigLoader.parse(
                "{\"macos\": {\"teamId\": \"ABCDE12345\", \"bundleId\": \"" + subsystem + "\"}}", "h.json");
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LogFile.unifiedLogging(config);
        try {
            TunnelLogRelay.relay(Log.newBuilder()
                    .setLevel(Log.Level.WARN)
                    .addLoggerNames("net")
                    .setMessage("slow peer")
                    .build());
            assertTrue(
                    entries().contains(List.of("Default", "tunnel", "slow peer")),
                    entries().toString());
        } finally {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender("UNIFIED");
        }
    }
}
