package dev.tunnelhelper.helper.tunnel;

import dev.tunnelhelper.protocol.vpn.Log;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/** The tunnel's {@code Log} messages, into the helper's log as {@code tunnel.<logger names>} with their fields. */
public final class TunnelLogRelay {
    /** Field naming the tunnel's CRITICAL or FATAL level, which slf4j can only call ERROR. */
    public static final String TUNNEL_LEVEL = "tunnel_level";

    private TunnelLogRelay() {}

    public static void relay(Log entry) {
        String name =
                entry.getLoggerNamesCount() == 0 ? "tunnel" : "tunnel." + String.join(".", entry.getLoggerNamesList());
        Logger logger = LoggerFactory.getLogger(name);
        LoggingEventBuilder event = logger.atLevel(level(entry.getLevel())).setMessage(entry.getMessage());
        for (Log.Field field : entry.getFieldsList()) {
            event = event.addKeyValue(field.getName(), field.getValue());
        }
        if (entry.getLevel() == Log.Level.CRITICAL || entry.getLevel() == Log.Level.FATAL) {
            event = event.addKeyValue(TUNNEL_LEVEL, entry.getLevel().name());
        }
        event.log();
    }

    static Level level(Log.Level level) {
        return switch (level) {
            case DEBUG -> Level.DEBUG;
            case INFO -> Level.INFO;
            case WARN -> Level.WARN;
            case ERROR, CRITICAL, FATAL, UNRECOGNIZED -> Level.ERROR;
        };
    }
}
