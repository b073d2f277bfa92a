package dev.tunnelhelper.helper.binary;

import java.nio.file.Path;

/** What a conditional binary download produced. */
sealed interface DownloadOutcome {

    /** 304: the installed binary is what the server has. */
    record NotModified() implements DownloadOutcome {
    }

    /** 200: a complete, not yet verified temp file, with the digests of what was written to it. */
    record Downloaded(Path tempFile, FileHashes hashes) implements DownloadOutcome {
    }
}
