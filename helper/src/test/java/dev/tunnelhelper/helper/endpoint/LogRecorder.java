package dev.tunnelhelper.helper.endpoint;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An appender that keeps every event it is given, in order, for a test to wait on: the gate logs
 * from its own thread, often after it has closed the connection the test watches. Attach it to the
 * loggers a test observes ({@code addAppender}), and {@link #start} it.
 */
public final class LogRecorder extends AppenderBase<ILoggingEvent> {
    /** What was logged, as it happens. */
    public final BlockingQueue<ILoggingEvent> events = new LinkedBlockingQueue<>();

    @Override
    protected void append(ILoggingEvent event) {
        events.add(event);
    }
}
