package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.tunnelhelper.helper.endpoint.LogRecorder;
import dev.tunnelhelper.helper.endpoint.PeerAdmission;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.LoggerFactory;

/**
 * The helper's side of the hello line on its real sockets: a wrong, oversized or unfinished line
 * gets no answer beyond the helper's own line and the connection closes; the reason is logged
 * with the peer's text escaped, so it can neither forge a log line nor smuggle raw bytes into it.
 */
@Timeout(60)
class HelloLineTest {
    @TempDir
    Path dir;

    private HelperFixture fixture;
    private final LogRecorder recorder = new LogRecorder();
    private final Logger admissionLog = (Logger) LoggerFactory.getLogger(PeerAdmission.class);

    @BeforeEach
    void start() throws Exception {
        fixture = HelperFixture.start(dir, HelperFixture.tunnel("100.132"));
        recorder.start();
        admissionLog.addAppender(recorder);
    }

    @AfterEach
    void stop() throws Exception {
        admissionLog.detachAppender(recorder);
        fixture.close();
    }

    private RawClient connect() throws Exception {
        return new RawClient(AFUNIXSocket.connectTo(
                AFUNIXSocketAddress.of(fixture.helper.paths().appSocket())));
    }

    private String loggedReason() throws InterruptedException {
        ILoggingEvent event = recorder.events.poll(10, TimeUnit.SECONDS);
        while (event != null && !event.getMessage().equals("hello failed")) {
            event = recorder.events.poll(10, TimeUnit.SECONDS);
        }
        assertTrue(event != null, "a failed hello was logged");
        return event.getKeyValuePairs().stream()
                .filter(kv -> kv.key.equals("reason"))
                .map(kv -> Objects.toString(kv.value))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aLineForTheWrongEndpointIsRefusedAndTheConnectionClosed() throws Exception {
        try (RawClient c = connect()) {
            assertEquals("tunnelhelper helper 1.0", c.hello("extension").readLine());
            assertTrue(c.endsWithoutMore());
        }
        assertEquals("wrong role: expected app, got extension", loggedReason());
    }

    @Test
    void aLineOf256BytesWithoutNewlineIsRefusedAtOnce() throws Exception {
        try (RawClient c = connect()) {
            assertEquals("tunnelhelper helper 1.0", c.readLine());
            c.write("x".repeat(300).getBytes(StandardCharsets.US_ASCII));
            assertTrue(c.endsWithoutMore());
        }
        assertEquals("header is 256 bytes or more without a newline", loggedReason());
    }

    @Test
    void anUnfinishedLineIsCutOffAtTheFiveSecondDeadline() throws Exception {
        try (RawClient c = connect()) {
            long start = System.nanoTime();
            c.write("tunnelhelper ap".getBytes(StandardCharsets.US_ASCII));
            assertEquals("tunnelhelper helper 1.0", c.readLine());
            assertTrue(c.endsWithoutMore(), "closed by the helper");
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(
                    waited >= 4_500 && waited < 8_000,
                    "closed at the 5 s deadline, not before or long after: " + waited + " ms");
        }
        assertEquals("handshake timed out after 5000 ms waiting for the peer's header", loggedReason());
    }

    @Test
    void whatAPeerSentIsLoggedEscaped() throws Exception {
        String forged = "tunnelhelper app 1.0\u001b[2K\r2026-12-01T00:00:00Z INFO  tunnel-helper ready /tmp/evil.so";
        try (RawClient c = connect()) {
            c.write((forged + "\n").getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("tunnelhelper helper 1.0", c.readLine());
            assertTrue(c.endsWithoutMore());
        }
        String reason = loggedReason();
        assertEquals(
                "malformed header \"tunnelhelper app 1.0\\x1b[2K\\r2026-12-01T00:00:00Z INFO  tunnel-helper ready /tmp/evil.so\": "
                        + "expected 3 space-separated parts, got 8",
                reason);
        assertFalse(reason.chars().anyMatch(ch -> ch < 0x20), "no control character reaches the log: " + reason);
    }
}
