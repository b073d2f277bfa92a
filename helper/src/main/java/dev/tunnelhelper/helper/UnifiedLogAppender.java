package dev.tunnelhelper.helper;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.tunnelhelper.helper.tunnel.TunnelLogRelay;
import dev.tunnelhelper.shim.UnifiedLog;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.event.KeyValuePair;

/**
 * The helper's log lines into macOS unified logging (os_log), so {@code log show --predicate
 * 'subsystem == "<bundle id>"'} and sysdiagnose see them. Subsystem: the bundle id; category: the
 * component ({@code session}, {@code endpoint}, {@code xpc}, {@code binary}, {@code tunnel} for the
 * tunnel's own logs, else {@code helper}). Levels as Coder Desktop maps its tunnel's: debug and
 * trace to Debug, info to Info, warn to Default (os_log has no warning level), error to Error, and
 * the tunnel's CRITICAL and FATAL to Fault. The file and stderr appenders stay as they are.
 */
final class UnifiedLogAppender extends AppenderBase<ILoggingEvent> {
    private static final String PACKAGE = "dev.tunnelhelper.helper.";
    private final String subsystem;
    private final Map<String, UnifiedLog> categories = new ConcurrentHashMap<>();
    private final PatternLayout layout = new PatternLayout();

    UnifiedLogAppender(String subsystem) {
        this.subsystem = subsystem;
    }

    @Override
    public void start() {
        layout.setContext(getContext());
        layout.setPattern("%msg %kvp%ex{short}");
        layout.start();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        UnifiedLog log =
                categories.computeIfAbsent(category(event.getLoggerName()), c -> UnifiedLog.open(subsystem, c));
        log.log(level(event), layout.doLayout(event).strip());
    }

    /** The component a logger belongs to: the helper's package below dev.tunnelhelper.helper, or tunnel. */
    static String category(String loggerName) {
        if (loggerName.equals("tunnel") || loggerName.startsWith("tunnel.")) {
            return "tunnel";
        }
        if (loggerName.startsWith(PACKAGE)) {
            String rest = loggerName.substring(PACKAGE.length());
            int dot = rest.indexOf('.');
            if (dot > 0) {
                return rest.substring(0, dot);
            }
        }
        return "helper";
    }

    static UnifiedLog.Level level(ILoggingEvent event) {
        int level = event.getLevel().toInt();
        if (level >= Level.ERROR_INT) {
            return tunnelFault(event) ? UnifiedLog.Level.FAULT : UnifiedLog.Level.ERROR;
        }
        if (level >= Level.WARN_INT) {
            return UnifiedLog.Level.DEFAULT;
        }
        return level >= Level.INFO_INT ? UnifiedLog.Level.INFO : UnifiedLog.Level.DEBUG;
    }

    /** TunnelLogRelay marks the tunnel's CRITICAL and FATAL, which slf4j can only call ERROR. */
    private static boolean tunnelFault(ILoggingEvent event) {
        if (event.getKeyValuePairs() == null) {
            return false;
        }
        for (KeyValuePair kv : event.getKeyValuePairs()) {
            if (kv.key.equals(TunnelLogRelay.TUNNEL_LEVEL)
                    && ("CRITICAL".equals(kv.value) || "FATAL".equals(kv.value))) {
                return true;
            }
        }
        return false;
    }
}
