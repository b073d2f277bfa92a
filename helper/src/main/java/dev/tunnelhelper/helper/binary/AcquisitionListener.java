package dev.tunnelhelper.helper.binary;

/**
 * What an acquisition reports as it runs, on the acquiring thread: implementations must not
 * block, and an exception they throw from {@link #downloaded} is logged and ignored.
 */
public interface AcquisitionListener {

    AcquisitionListener NONE = new AcquisitionListener() {};

    /** {@code phase} begins. Phases come in their declared order; a failure ends the sequence early. */
    default void phaseStarted(AcquisitionPhase phase) {}

    /**
     * Bytes of the (decompressed) binary written so far, during {@link AcquisitionPhase#DOWNLOADING}
     * and only when a body is transferred (never for a 304): first 0, then at most one report per
     * 10 ms, and the final size exactly once, last.
     *
     * @param totalBytes the announced size, or -1 when the server did not say
     */
    default void downloaded(long bytesWritten, long totalBytes) {}

    /**
     * Before any request to the deployment: the installed binary is a copy this process already
     * verified under this start's policy, unchanged since. Reported at most once, and never when
     * the file must be hashed or checked again; what the acquisition then returns decides whether
     * the copy may be used ({@link VerifiedCopy#confirmedBy}).
     */
    default void verifiedCopyFound(VerifiedCopy copy) {}
}
