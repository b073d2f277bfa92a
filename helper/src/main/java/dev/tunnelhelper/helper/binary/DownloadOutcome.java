package dev.tunnelhelper.helper.binary;

import java.nio.file.Path;

/** What a conditional binary download produced. */
sealed interface DownloadOutcome {

    /** 304: the installed binary is what the server has. */
    record NotModified() implements DownloadOutcome {}

    /** 200: a complete, fsynced, not yet verified temp file, and the check that saw its bytes. */
    record Downloaded(Path tempFile, FileHashes hashes, BinaryCheck check) implements DownloadOutcome {}
}
