package dev.tunnelhelper.helper.tunnel;

import dev.tunnelhelper.protocol.trust.PathTrust;
import dev.tunnelhelper.protocol.trust.UntrustedPathException;
import dev.tunnelhelper.shim.ProcessStart;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The helper's note of the tunnel child it runs: its pid, when it started ({@link ProcessStart},
 * which a later process with the same pid does not share) and the binary, in
 * {@value #FILE_NAME} in the binary directory (root-owned, checked before the helper starts).
 * A helper started after one that was killed reads it to end a tunnel that outlived it
 * ({@link OrphanSweep}). Written as a new 0600 file (O_EXCL: never through a link) renamed over
 * the old one; read only when {@link PathTrust} trusts it (a regular file, not a link, owned by
 * a trusted uid, writable by nobody else).
 */
public final class TunnelRecord {
    static final String FILE_NAME = "tunnel-child.record";
    /** A record is four short lines: anything longer is not one of ours. */
    private static final int MAX_BYTES = 4096;

    private static final Pattern PID = Pattern.compile("[1-9][0-9]{0,9}");
    private static final Pattern STARTED = Pattern.compile("[0-9]+(\\.[0-9]+)?");
    private static final Pattern BOOT = Pattern.compile("[0-9a-fA-F-]{0,64}");

    /** What a record says: the process to look for, and the binary it was spawned from (for the log). */
    public record Entry(int pid, ProcessStart start, String binary) {}

    /** A record that exists but is not to be believed: the reason goes to the log, and nothing is terminated. */
    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    private final Path file;

    public TunnelRecord(Path binaryDirectory) {
        this.file = binaryDirectory.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /** Replaces the record with {@code entry}: a temporary file created anew, then renamed over it. */
    public void write(Entry entry) throws IOException {
        if (entry.binary().indexOf('\n') >= 0) {
            throw new IOException("the binary path holds a line break; not recorded");
        }
        String text = "pid " + entry.pid() + "\nstarted " + entry.start().started() + "\nboot "
                + entry.start().boot() + "\nbinary " + entry.binary() + "\n";
        Path temp = file.resolveSibling("." + FILE_NAME + ".new");
        Files.deleteIfExists(temp); // a leftover of a crash mid-write; a link is removed, not followed
        try (SeekableByteChannel out = Files.newByteChannel(
                temp,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Removes the record (a link itself, never its target); nothing if there is none. */
    public void remove() throws IOException {
        Files.deleteIfExists(file);
    }

    public boolean exists() {
        return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The record, if {@code trust} trusts the file and it parses exactly.
     *
     * @throws RefusedException a link, a file someone else owns or can write, or not a record
     */
    public Entry read(PathTrust trust) throws RefusedException, IOException {
        try {
            trust.require(file, PathTrust.Kind.FILE, "tunnel record");
        } catch (UntrustedPathException e) {
            throw new RefusedException(e.getMessage());
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new RefusedException("more than " + MAX_BYTES + " bytes: not a tunnel record");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new RefusedException("not a tunnel record: " + e.getMessage());
        }
        List<String> lines = text.lines().toList();
        if (lines.size() != 4 || !text.endsWith("\n")) {
            throw new RefusedException("expected 4 lines (pid, started, boot, binary), found " + lines.size());
        }
        String pid = field(lines, 0, "pid", PID);
        String started = field(lines, 1, "started", STARTED);
        String boot = field(lines, 2, "boot", BOOT);
        String binary = field(lines, 3, "binary", null);
        long pidValue = Long.parseLong(pid);
        if (pidValue > Integer.MAX_VALUE) {
            throw new RefusedException("line 1: the pid is out of range");
        }
        return new Entry((int) pidValue, new ProcessStart(started, boot), binary);
    }

    private static String field(List<String> lines, int index, String key, Pattern value) throws RefusedException {
        String line = lines.get(index);
        String prefix = key + " ";
        if (!line.startsWith(prefix)) {
            throw new RefusedException("line " + (index + 1) + ": expected \"" + key + " ...\"");
        }
        String v = line.substring(prefix.length());
        if (value != null && !value.matcher(v).matches()) {
            throw new RefusedException("line " + (index + 1) + ": not a valid " + key);
        }
        if (value == null && !v.startsWith("/")) {
            throw new RefusedException("line " + (index + 1) + ": the binary is not an absolute path");
        }
        return v;
    }
}
