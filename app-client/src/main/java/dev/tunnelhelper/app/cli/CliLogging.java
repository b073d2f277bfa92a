package dev.tunnelhelper.app.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * The CLI's logging, set in code before the command runs: stdout is for the command's output
 * (tables, JSON), so logs go to stderr, warnings only unless {@code APP_CLIENT_LOG_LEVEL} says
 * otherwise for the client's own loggers. Built in code because parsing an XML configuration
 * took about a sixth of a short command's run (Joran and the JDK's XML parser: some 400
 * classes). An explicit {@code -Dlogback.configurationFile} still wins.
 */
final class CliLogging {

    private CliLogging() {}

    static void install() {
        if (System.getProperty("logback.configurationFile") != null
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        String level = System.getenv("APP_CLIENT_LOG_LEVEL");
        context.getLogger("dev.tunnelhelper").setLevel(Level.toLevel(level, Level.WARN));
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
    }
}
