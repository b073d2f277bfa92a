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
}
