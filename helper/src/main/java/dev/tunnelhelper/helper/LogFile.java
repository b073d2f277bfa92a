package dev.tunnelhelper.helper;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Points the helper's file appender at {@code <logDirectory>/helper.log}. The path is known only
 * after the config is read, while any class touching slf4j earlier (picocli subcommands do) has
 * already configured logback with the fallback; so the configuration is read again here.
 */
final class LogFile {
    static final String PROPERTY = "tunnelhelper.logFile";

    private LogFile() {}

    static void use(Path file) {
        System.setProperty(PROPERTY, file.toString());
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.reset();
            try {
                new ContextInitializer(context).autoConfig();
            } catch (JoranException e) {
                System.err.println("tunnel-helper: logging configuration failed: " + e.getMessage());
            }
        }
    }
}
