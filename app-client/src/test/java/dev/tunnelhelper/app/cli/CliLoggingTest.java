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
        PREFIX + "logFile",
        PREFIX + "defaultLogLevel",
        PREFIX + "log.dev.tunnelhelper",
        PREFIX + "showDateTime",
        PREFIX + "showThreadName",
        PREFIX + "showShortLogName",
        "slf4j.provider",
        "slf4j.internal.verbosity"
    };
    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void clearTheSimpleLoggersProperties() {
        for (String key : KEYS) {
            saved.put(key, System.getProperty(key));
            System.clearProperty(key);
        }
    }

    @AfterEach
    void restoreThem() {
        saved.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
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

    @Test
    void theBackendIsNamedNotSearchedForAndItsNoteStaysOffStderr() {
        CliLogging.install(null);
        assertEquals("org.slf4j.simple.SimpleServiceProvider", System.getProperty("slf4j.provider"));
        assertEquals("WARN", System.getProperty("slf4j.internal.verbosity"));
        System.setProperty("slf4j.internal.verbosity", "INFO");
        CliLogging.install(null);
        assertEquals("INFO", System.getProperty("slf4j.internal.verbosity"), "a value given with -D wins");
    }
}
