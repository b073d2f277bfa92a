package dev.tunnelhelper.helper.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tunnelhelper.helper.binary.OperatorHeader;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.OwnedFd;
import dev.tunnelhelper.shim.Pipe;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link TunnelSession} wired to fakes that behave like the real parts: a {@link FakeAcquirer},
 * {@link ScriptedTunnel}s over real pipes, a {@link FakeExtension} as owner, and a
 * {@link RecordingListener}. Nothing here needs root, a deployment or a TUN device.
 */
final class SessionHarness {
    static final String TOKEN = "token-0f8c1d";
    private static final long PATIENCE_SECONDS = 30;

    final FakeAcquirer acquirer = new FakeAcquirer();
    final ScriptedLauncher launcher = new ScriptedLauncher();
    final RecordingListener events = new RecordingListener();
    final FakeExtension owner = new FakeExtension("owner");
    final TunnelSession session;

    SessionHarness() {
        this(settings());
    }

    SessionHarness(SessionSettings.Builder settings) {
        session = new TunnelSession(settings.build(), acquirer, launcher);
        session.addListener(events);
        events.awaitPhase(SessionPhase.IDLE);
    }

    /** Settings for tests: a short kill grace, everything else as configured by default. */
    static SessionSettings.Builder settings() {
        return SessionSettings.builder()
                .killGrace(Duration.ofMillis(300))
                .helperVersion("9.9.9-test")
                .deviceId("configured-device")
                .deviceOs("testos");
    }

    static StartParameters params() {
        return StartParameters.builder("https://coder.example.com", TOKEN)
                .headers(List.of(new OperatorHeader("X-Test", "1")))
                .build();
    }

    /** A real descriptor standing in for the TUN device: the session must take it over and close it. */
    static OwnedFd tun() {
        Pipe pipe = Fds.pipe();
        pipe.writeEnd().close();
        return pipe.readEnd();
    }

    CompletableFuture<Void> start() {
        return session.start(params(), tun(), owner);
    }

    /** Starts and waits until RUNNING. */
    ScriptedTunnel running() {
        await(start());
        return tunnel();
    }

    ScriptedTunnel tunnel() {
        try {
            ScriptedTunnel t = launcher.spawned.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
            if (t == null) {
                fail("no tunnel was spawned; history: " + events.history());
            }
            return t;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    SessionStatus status() {
        return await(session.status());
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return fail("failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            return fail("no answer", e);
        }
    }

    /** The exception {@code future} fails with, which must be a {@code type}. */
    static <E extends Throwable> E failure(CompletableFuture<?> future, Class<E> type) {
        try {
            Object value = future.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            return fail("expected a " + type.getSimpleName() + ", completed with " + value);
        } catch (ExecutionException e) {
            return assertInstanceOf(type, e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            return fail("no answer", e);
        }
    }

    /** A failed start: its message, which the status after it must carry too. */
    String failedStart(CompletableFuture<Void> start) {
        String message = failure(start, SessionFailure.class).getMessage();
        SessionStatus idle = status();
        assertEquals(SessionPhase.IDLE, idle.phase(), "the reply comes once the helper is idle");
        assertEquals(message, idle.errorMessage(), "status keeps the start's failure");
        return message;
    }
}
