package dev.tunnelhelper.helper;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.shim.Capability;
import dev.tunnelhelper.shim.NativeShim;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points the helper's file appender at {@code <logDirectory>/helper.log}. The path is known only
 * after the config is read, while any class touching slf4j earlier (picocli subcommands do) has
 * already configured logback with the fallback; so the configuration is read again here.
 */
final class LogFile {
    static final String PROPERTY = "tunnelhelper.logFile";
    static final String DEFAULT_SUBSYSTEM = "dev.tunnelhelper.helper";

    private LogFile() {}

    static void use(Path file) {
        System.setProperty(PROPERTY, file.toString());
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            configureFor(context, file);
        }
    }

    /**
     * Configures {@code context} again, unless it already writes to {@code file}: when nothing
     * touched slf4j before {@link #use} set the property, asking for the factory configured
     * logback with it, and a second configuration would only repeat that work at start.
     */
    static void configureFor(LoggerContext context, Path file) {
        if (writesTo(context, file)) {
            return;
        }
        context.reset();
        try {
            new ContextInitializer(context).autoConfig();
        } catch (JoranException e) {
            System.err.println("tunnel-helper: logging configuration failed: " + e.getMessage());
        }
    }

    private static boolean writesTo(LoggerContext context, Path file) {
        return context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(HelperLogging.FILE_APPENDER)
                        instanceof FileAppender<?> appender
                && file.toString().equals(appender.getFile());
    }

    /**
     * Where the shim has os_log (macOS), every line also goes to unified logging, subsystem the
     * bundle id of the {@code macos} section ({@value #DEFAULT_SUBSYSTEM} without one). Call after
     * {@link #use}, which resets the configuration.
     */
    static void unifiedLogging(HelperConfig config) {
        // Without the darwin APIs there is no os_log to ask for: the shim then loads at its first
        // real use (a session, a connection's descriptors), not on the way to listening.
        if (!NativeShim.mayHaveDarwinApis()
                || !NativeShim.get().has(Capability.UNIFIED_LOGGING)
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        UnifiedLogAppender appender =
                new UnifiedLogAppender(config.macos() != null ? config.macos().bundleId() : DEFAULT_SUBSYSTEM);
        appender.setContext(context);
        appender.setName("UNIFIED");
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }
}
