package dev.tunnelhelper.app.cli;

import java.util.Locale;

/**
 * The CLI's logging, set before anything logs: stdout is for the command's output (tables,
 * JSON), so log lines go to stderr, warnings only unless {@code APP_CLIENT_LOG_LEVEL} (trace,
 * debug, info, warn, error, off) says otherwise for the client's own loggers. The backend is slf4j's
 * simple logger, configured through its system properties; one given on the command line
 * ({@code -Dorg.slf4j.simpleLogger.…} in {@code TUNNEL_HELPER_JAVA_OPTS}) wins. Not logback: its
 * initialisation alone took 35 ms of a {@code ping} with the class archive (docs/performance.md,
 * "bin/app-client's start").
 */
final class CliLogging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";
    private static final String CLIENT_LOGGERS = "dev.tunnelhelper";
    private static final String SIMPLE_PROVIDER = "org.slf4j.simple.SimpleServiceProvider";

    private CliLogging() {}

    static void install() {
        install(System.getenv("APP_CLIENT_LOG_LEVEL"));
    }

    /** Must run before the first logger is created: the simple logger reads its properties once. */
    static void install(String clientLevel) {
        setIfAbsent("logFile", "System.err");
        setIfAbsent("defaultLogLevel", "warn");
        setIfAbsent("log." + CLIENT_LOGGERS, level(clientLevel));
        // No time stamps: a date format loads the JDK's locale data, some 25 ms of every command
        // (add -Dorg.slf4j.simpleLogger.showDateTime=true and a dateTimeFormat to get them).
        setIfAbsent("showDateTime", "false");
        setIfAbsent("showThreadName", "false");
        setIfAbsent("showShortLogName", "true");
        // The backend named, not searched for: slf4j would otherwise list META-INF/services in
        // every jar on the classpath (ServiceLoader) to find the one it is. Its note that it
        // loads the named one is for a curious operator, not for every command's stderr. Only
        // when it is there: on another classpath (the helper's tests run this CLI on theirs,
        // with logback) slf4j keeps its own search instead of failing to load a missing class.
        if (simpleLoggerIsPresent()) {
            propertyIfAbsent("slf4j.provider", SIMPLE_PROVIDER);
            propertyIfAbsent("slf4j.internal.verbosity", "WARN");
        }
    }

    /** Cheap where it matters: the launcher's class archive holds the class, so no jar is opened. */
    private static boolean simpleLoggerIsPresent() {
        try {
            Class.forName(SIMPLE_PROVIDER, false, CliLogging.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The simple logger's name for {@code requested}; warn for anything it does not know. */
    static String level(String requested) {
        if (requested == null) {
            return "warn";
        }
        String level = requested.trim().toLowerCase(Locale.ROOT);
        return switch (level) {
            case "trace", "debug", "info", "warn", "error", "off" -> level;
            default -> "warn";
        };
    }

    private static void setIfAbsent(String key, String value) {
        propertyIfAbsent(PREFIX + key, value);
    }

    private static void propertyIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
