package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.helper.binary.AcquiredBinary;
import dev.tunnelhelper.helper.binary.Acquirer;
import dev.tunnelhelper.helper.binary.AcquisitionException;
import dev.tunnelhelper.helper.binary.AcquisitionPhase;
import dev.tunnelhelper.helper.binary.AcquisitionRequest;
import dev.tunnelhelper.helper.binary.VerifiedCopy;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An acquirer that goes through the real phases without a deployment: it reports each phase
 * (and two download progress reports), can fail in a chosen phase with a chosen step, or hold
 * in a phase until {@link #release()}d or interrupted, as the real one is by a stop.
 */
public final class FakeAcquirer implements Acquirer {
    public static final String SERVER_VERSION = "v2.24.3+fake";
    public static final long SIZE = 4096;
    /** Where the binary it downloads by default is. */
    public static final Path DOWNLOADED = Path.of("/nonexistent/coder-fake");

    private volatile AcquisitionPhase holdIn;
    private volatile AcquisitionPhase failIn;
    private volatile AcquisitionException failure;
    private volatile AcquisitionPhase breakIn;
    private volatile VerifiedCopy offered;
    private volatile AcquiredBinary result;
    /** What it throws where {@link #breakIn} says: an exception no acquirer is meant to throw. */
    public final IllegalStateException bug = new IllegalStateException("a bug in the acquirer");

    private final CompletableFuture<Void> released = new CompletableFuture<>();
    /** Completes with the phase it holds in, once it does. */
    public final CompletableFuture<AcquisitionPhase> holding = new CompletableFuture<>();
    /** Completes when a held acquisition was interrupted. */
    public final CompletableFuture<Void> interrupted = new CompletableFuture<>();

    public final BlockingQueue<AcquisitionRequest> requests = new LinkedBlockingQueue<>();
    /** Completes when the session asked it to {@link #prepare()}. */
    public final CompletableFuture<Void> prepared = new CompletableFuture<>();

    @Override
    public CompletableFuture<Void> prepare() {
        prepared.complete(null);
        return prepared;
    }

    public FakeAcquirer holdIn(AcquisitionPhase phase) {
        holdIn = phase;
        return this;
    }

    public FakeAcquirer failIn(AcquisitionPhase phase, AcquisitionException.Step step, String message) {
        failIn = phase;
        failure = new AcquisitionException(step, message);
        return this;
    }

    /** Throws {@link #bug} in {@code phase}, as a bug would; {@code null} behaves again. */
    public FakeAcquirer breakIn(AcquisitionPhase phase) {
        breakIn = phase;
        return this;
    }

    /** Reports {@code copy} as a verified copy before the first request, as the real one does for a binary it verified. */
    public FakeAcquirer offering(VerifiedCopy copy) {
        offered = copy;
        return this;
    }

    /** Returns {@code binary} instead of a fresh download of {@link #DOWNLOADED}. */
    public FakeAcquirer returning(AcquiredBinary binary) {
        result = binary;
        return this;
    }

    public void release() {
        released.complete(null);
    }

    @Override
    public AcquiredBinary acquire(AcquisitionRequest request) throws AcquisitionException {
        requests.add(request);
        for (AcquisitionPhase phase : AcquisitionPhase.values()) {
            request.listener().phaseStarted(phase);
            if (phase == AcquisitionPhase.FETCHING_INFO && offered != null) {
                request.listener().verifiedCopyFound(offered);
            }
            if (phase == AcquisitionPhase.DOWNLOADING) {
                request.listener().downloaded(0, SIZE);
                request.listener().downloaded(SIZE, SIZE);
            }
            if (phase == failIn) {
                throw failure;
            }
            if (phase == breakIn) {
                throw bug;
            }
            if (phase == holdIn) {
                hold(phase);
            }
        }
        AcquiredBinary fixed = result;
        return fixed != null
                ? fixed
                : new AcquiredBinary(
                        DOWNLOADED, SERVER_VERSION, "ab".repeat(32), request.disableSignatureValidation(), true);
    }

    private void hold(AcquisitionPhase phase) throws AcquisitionException {
        holding.complete(phase);
        try {
            released.get();
        } catch (InterruptedException e) {
            interrupted.complete(null);
            Thread.currentThread().interrupt();
            throw new AcquisitionException(AcquisitionException.Step.DOWNLOAD, "interrupted while reading the body");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }
}
