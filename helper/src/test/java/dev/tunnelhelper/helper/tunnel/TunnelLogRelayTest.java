package dev.tunnelhelper.helper.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tunnelhelper.protocol.vpn.Log;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

class TunnelLogRelayTest {

    @Test
    void tunnelLogsLandUnderTunnelLoggerNamesAtTheMappedLevelWithTheirFields() {
        Logger logger = (Logger) LoggerFactory.getLogger("tunnel.vpn.wireguard");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        logger.addAppender(captured);
        try {
            TunnelLogRelay.relay(Log.newBuilder()
                    .setLevel(Log.Level.WARN)
                    .setMessage("handshake slow")
                    .addLoggerNames("vpn")
                    .addLoggerNames("wireguard")
                    .addFields(Log.Field.newBuilder().setName("peer").setValue("ws0"))
                    .build());
            ILoggingEvent event = captured.list.get(0);
            assertEquals("tunnel.vpn.wireguard", event.getLoggerName());
            assertEquals(ch.qos.logback.classic.Level.WARN, event.getLevel());
            assertEquals("handshake slow", event.getFormattedMessage());
            assertEquals(
                    "peer=ws0",
                    event.getKeyValuePairs().stream()
                            .map(kv -> kv.key + "=" + kv.value)
                            .collect(Collectors.joining(",")));
        } finally {
            logger.detachAppender(captured);
        }
    }

    @Test
    void levelsMapWithCriticalAndFatalAsErrors() {
        assertEquals(Level.DEBUG, TunnelLogRelay.level(Log.Level.DEBUG));
        assertEquals(Level.INFO, TunnelLogRelay.level(Log.Level.INFO));
        assertEquals(Level.WARN, TunnelLogRelay.level(Log.Level.WARN));
        assertEquals(Level.ERROR, TunnelLogRelay.level(Log.Level.ERROR));
        assertEquals(Level.ERROR, TunnelLogRelay.level(Log.Level.CRITICAL));
        assertEquals(Level.ERROR, TunnelLogRelay.level(Log.Level.FATAL));
    }
}
