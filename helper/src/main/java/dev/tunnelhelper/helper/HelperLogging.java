package dev.tunnelhelper.helper;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import org.slf4j.Logger;

/**
 * The helper's logging configuration, built in code: logback finds it through the service
 * loader before it would look for an XML file, so the helper's start parses no XML (parsing
 * logback.xml with Joran loaded about 450 classes, the JDK's XML parser among them, before the helper listened).
 *
 * <p>Structured fields (session state, peer, reasons) print as key="value" pairs via %kvp. The
 * file appender writes to {@code ${tunnelhelper.logFile}}, set by {@code tunnel-helper run} to
 * {@code <logDirectory>/helper.log}, never through a symbolic link. Budget: helper.log grows to
 * {@code ${tunnelhelper.logMaxFileSize}} (10MB), then is rolled to helper.log.1 (helper.log.1 to
 * .2, ..., up to helper.log.5, the oldest dropped): at most 60MB on disk. The size is checked on
 * every line, so a file never grows past the limit by more than a line. Both properties are read
 * from the logging context first, then from the system properties.
 *
 * <p>An explicit {@code -Dlogback.configurationFile} (logback's own switch; the test suites use
 * it for their logback-test.xml) still wins: this configurator then steps aside.
 */
public final class HelperLogging extends ContextAwareBase implements Configurator {
    /** The name of the appender writing helper.log. */
    static final String FILE_APPENDER = "FILE";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        install(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The production configuration, into an empty context. */
    static void install(LoggerContext context) {
        String file = property(context, LogFile.PROPERTY, "/dev/null");
        String maxFileSize = property(context, "tunnelhelper.logMaxFileSize", "10MB");
        Level rootLevel = Level.toLevel(property(context, "tunnelhelper.logLevel", "INFO"), Level.INFO);

        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder(context, "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{30} - %msg %kvp%n%ex"));
        stderr.start();

        NoFollowRollingFileAppender<ILoggingEvent> logFile = new NoFollowRollingFileAppender<>();
        logFile.setContext(context);
        logFile.setName(FILE_APPENDER);
        logFile.setFile(file);
        logFile.setAppend(true);
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setFileNamePattern(file + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(5);
        rolling.setParent(logFile);
        rolling.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(FileSize.valueOf(maxFileSize));
        trigger.setCheckIncrement(Duration.buildByMilliseconds(0));
        trigger.start();
        logFile.setRollingPolicy(rolling);
        logFile.setTriggeringPolicy(trigger);
        logFile.setEncoder(
                encoder(context, "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger - %msg %kvp%n%ex"));
        logFile.start();

        context.getLogger("org.newsclub").setLevel(Level.WARN);
        context.getLogger("jdk.internal.httpclient").setLevel(Level.WARN);
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(rootLevel);
        root.addAppender(stderr);
        root.addAppender(logFile);
    }

    private static String property(LoggerContext context, String name, String fallback) {
        String value = context.getProperty(name);
        if (value == null) {
            value = System.getProperty(name);
        }
        return value == null ? fallback : value;
    }

    private static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }
}
