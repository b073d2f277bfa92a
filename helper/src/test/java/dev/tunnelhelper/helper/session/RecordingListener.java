package dev.tunnelhelper.helper.session;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tunnelhelper.helper.binary.AcquisitionPhase;
import dev.tunnelhelper.protocol.relay.TunnelFrame;
import dev.tunnelhelper.shim.ExitStatus;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Records what a session reports, in the order it happened (OkHttp's EventRecorder): tests wait
 * for an event instead of polling state or sleeping, and assert on the whole history.
 */
public final class RecordingListener implements SessionEventListener {
    /** How long a test waits for an event that should come; only a broken session ever reaches it. */
    private static final long PATIENCE_SECONDS = 30;

    public sealed interface Event {}

    public record StateChanged(SessionStatus status) implements Event {}

    public record PhaseStarted(AcquisitionPhase phase) implements Event {}

    public record Downloaded(long bytesWritten, long totalBytes) implements Event {}

    public record ChildSpawned(int pid) implements Event {}

    public record ChildExited(int pid, ExitStatus status) implements Event {}

    public record Relayed(TunnelFrame message) implements Event {}

    public record SubscriberDropped(String who, String reason) implements Event {}

    private final List<Event> history = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Event> unseen = new LinkedBlockingQueue<>();

    @Override
    public void stateChanged(SessionStatus status) {
        record(new StateChanged(status));
    }

    @Override
    public void acquisitionPhase(AcquisitionPhase phase) {
        record(new PhaseStarted(phase));
    }

    @Override
    public void downloadProgress(long bytesWritten, long totalBytes) {
        record(new Downloaded(bytesWritten, totalBytes));
    }

    @Override
    public void childSpawned(int pid) {
        record(new ChildSpawned(pid));
    }

    @Override
    public void childExited(int pid, ExitStatus status) {
        record(new ChildExited(pid, status));
    }

    @Override
    public void messageRelayed(TunnelFrame message) {
        record(new Relayed(message));
    }

    @Override
    public void subscriberDropped(String who, String reason) {
        record(new SubscriberDropped(who, reason));
    }

    private void record(Event e) {
        history.add(e);
        unseen.add(e);
    }

    /** Waits for the next event of {@code type} matching {@code test}; the events before it are passed over. */
    public <E extends Event> E await(Class<E> type, Predicate<E> test) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        try {
            while (true) {
                Event next = unseen.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (next == null) {
                    return fail("no " + type.getSimpleName() + " as expected; history: " + history);
                }
                if (type.isInstance(next) && test.test(type.cast(next))) {
                    return type.cast(next);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    public SessionStatus awaitPhase(SessionPhase phase) {
        return await(StateChanged.class, e -> e.status().phase() == phase).status();
    }

    /** Every phase entered so far, the registration's starting one first. */
    public List<SessionPhase> phases() {
        return history.stream()
                .filter(StateChanged.class::isInstance)
                .map(e -> ((StateChanged) e).status().phase())
                .toList();
    }

    public List<Event> history() {
        return List.copyOf(history);
    }

    public <E extends Event> List<E> all(Class<E> type) {
        return history.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
