package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.helper.binary.AcquisitionPhase;
import dev.tunnelhelper.protocol.relay.TunnelFrame;
import dev.tunnelhelper.shim.ExitStatus;

/**
 * What happens in a session, for whoever needs to follow it (the app fan-out, logs, tests), in
 * the spirit of OkHttp's {@code EventListener}. Every call comes from the session's own thread,
 * in the order things happened, so a listener sees a consistent history; it must not block.
 */
public interface SessionEventListener {

    /** Every transition, with the status published for it. Registration starts with the current one. */
    default void stateChanged(SessionStatus status) {}

    /** The acquirer began a phase (the session follows it unless a stop is under way). */
    default void acquisitionPhase(AcquisitionPhase phase) {}

    /** Download progress as the acquirer reports it (see {@code AcquisitionListener#downloaded}). */
    default void downloadProgress(long bytesWritten, long totalBytes) {}

    default void childSpawned(int pid) {}

    default void childExited(int pid, ExitStatus status) {}

    /**
     * A message from the tunnel was acted on during STARTING or RUNNING: a settings request sent
     * on to the extension, a peer delta for the apps, a log line written to the helper's log.
     */
    default void messageRelayed(TunnelFrame message) {}

    /** The app fan-out disconnected a subscriber that fell behind. */
    default void subscriberDropped(String who, String reason) {}
}
