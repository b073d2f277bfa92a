package dev.tunnelhelper.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CliLoggingTest {
    private static final String PREFIX = "org.slf4j.simpleLogger.";
    private static final String[] KEYS = {
        "logFile", "defaultLogLevel", "log.dev.tunnelhelper", "showDateTime", "showThreadName", "showShortLogName"
    };
    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void clearTheSimpleLoggersProperties() {
        for (String key : KEYS) {
            saved.put(key, System.getProperty(PREFIX + key));
            System.clearProperty(PREFIX + key);
        }
    }

    @AfterEach
    void restoreThem() {
        saved.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(PREFIX + key);
            } else {
                System.setProperty(PREFIX + key, value);
            }
        });
    }

    @Test
    void logsGoToStderrAtWarnWithoutTimeStampsOrThreads() {
        CliLogging.install(null);
        assertEquals("System.err", System.getProperty(PREFIX + "logFile"));
        assertEquals("warn", System.getProperty(PREFIX + "defaultLogLevel"));
        assertEquals("warn", System.getProperty(PREFIX + "log.dev.tunnelhelper"));
        assertEquals("false", System.getProperty(PREFIX + "showDateTime"));
        assertEquals("false", System.getProperty(PREFIX + "showThreadName"));
    }

    @Test
    void theEnvironmentsLevelAppliesToTheClientsOwnLoggersOnly() {
        CliLogging.install(" DEBUG ");
        assertEquals("debug", System.getProperty(PREFIX + "log.dev.tunnelhelper"));
        assertEquals("warn", System.getProperty(PREFIX + "defaultLogLevel"));
    }

    @Test
    void anUnknownLevelMeansWarn() {
        assertEquals("warn", CliLogging.level("verbose"));
        assertEquals("warn", CliLogging.level(""));
        assertEquals("off", CliLogging.level("off"));
        assertEquals("trace", CliLogging.level("Trace"));
    }

    @Test
    void aPropertyGivenOnTheCommandLineWins() {
        System.setProperty(PREFIX + "showDateTime", "true");
        System.setProperty(PREFIX + "log.dev.tunnelhelper", "info");
        CliLogging.install("error");
        assertEquals("true", System.getProperty(PREFIX + "showDateTime"));
        assertEquals("info", System.getProperty(PREFIX + "log.dev.tunnelhelper"));
    }
}
