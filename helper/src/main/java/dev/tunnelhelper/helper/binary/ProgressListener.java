package dev.tunnelhelper.helper.binary;

/** Download progress, as pushed to app subscribers during {@code DOWNLOADING}. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = (written, total) -> { };

    /**
     * @param bytesWritten bytes of the (decompressed) binary written so far
     * @param totalBytes   the expected size, or -1 when the server did not say
     */
    void onProgress(long bytesWritten, long totalBytes);

    /** Which part of the acquisition is under way; called before each part begins. */
    default void onStage(Stage stage) {
    }

    /** The parts of an acquisition, in order. DOWNLOADING includes the conditional request, which a 304 ends at once. */
    enum Stage {
        FETCHING_INFO,
        DOWNLOADING,
        VALIDATING
    }
}
