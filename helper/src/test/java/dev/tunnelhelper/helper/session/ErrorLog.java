package dev.tunnelhelper.helper.session;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * For fuzz targets: while {@link #capture} is in effect, everything the helper's code logs at
 * ERROR (an event that broke on the session thread, a start step that threw, a request that
 * failed, an uncaught exception) is kept here instead of printed, except the messages a target
 * expects; the rest of the helper's logging is off, as a fuzzer runs it thousands of times a
 * second. {@link #release} puts logging back as it was.
 */
public final class ErrorLog {
    private static final Logger HELPER = (Logger) LoggerFactory.getLogger("dev.tunnelhelper");

    private final ListAppender<ILoggingEvent> errors = new ListAppender<>();
    private final Level level = HELPER.getLevel();
    private final boolean additive = HELPER.isAdditive();

    private ErrorLog(Set<String> expected) {
        errors.addFilter(new Filter<>() {
            @Override
            public FilterReply decide(ILoggingEvent event) {
                return event.getLevel().isGreaterOrEqual(Level.ERROR) && !expected.contains(event.getFormattedMessage())
                        ? FilterReply.NEUTRAL
                        : FilterReply.DENY;
            }
        });
        errors.start();
    }

    /**
     * Starts capturing.
     *
     * @param expected messages that are part of the behaviour under test (e.g. "session failed")
     */
    public static ErrorLog capture(String... expected) {
        ErrorLog log = new ErrorLog(Set.of(expected));
        HELPER.setLevel(Level.ERROR);
        HELPER.setAdditive(false);
        HELPER.addAppender(log.errors);
        return log;
    }

    /** What was logged since the last call, each as {@code logger: message}, and the exception logged with it, if any. */
    public List<String> drain() {
        List<String> seen = errors.list.stream()
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null
                                ? ""
                                : ": " + ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .toList();
        errors.list.clear();
        return seen;
    }

    public void release() {
        HELPER.detachAppender(errors);
        HELPER.setAdditive(additive);
        HELPER.setLevel(level);
    }
}
