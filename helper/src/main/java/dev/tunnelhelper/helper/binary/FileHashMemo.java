package dev.tunnelhelper.helper.binary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hashes of the installed binary, remembered against its {@link FileIdentity}, so a start that
 * gets a 304 does not re-read a large binary; any change to the file changes its identity and
 * forces a re-hash.
 */
final class FileHashMemo {

    private record Entry(FileIdentity identity, FileHashes hashes) {}

    private final Map<Path, Entry> entries = new ConcurrentHashMap<>();

    FileHashes hashes(Path file) throws IOException {
        FileIdentity before = FileIdentity.of(file);
        Entry known = entries.get(file);
        if (known != null && known.identity().equals(before)) {
            return known.hashes();
        }
        FileHashes hashes = FileHasher.hash(file);
        // Only remember the result if the file did not change while it was being read.
        if (FileIdentity.of(file).equals(before)) {
            entries.put(file, new Entry(before, hashes));
        }
        return hashes;
    }

    /** The hashes remembered for {@code file} if it has not changed since, without reading it. */
    Optional<FileHashes> known(Path file) throws IOException {
        Entry known = entries.get(file);
        return known != null && known.identity().equals(FileIdentity.of(file))
                ? Optional.of(known.hashes())
                : Optional.empty();
    }

    void remember(Path file, FileHashes hashes) throws IOException {
        entries.put(file, new Entry(FileIdentity.of(file), hashes));
    }

    void forget(Path file) {
        entries.remove(file);
    }
}
