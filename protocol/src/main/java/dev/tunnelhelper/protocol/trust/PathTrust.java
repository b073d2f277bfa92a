package dev.tunnelhelper.protocol.trust;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a path may be trusted by a process running as root (or, unprivileged, as
 * {@code trustedUid}): the rule OpenSSH's StrictModes applies to its files. A path is trusted when
 * nobody but root and {@code trustedUid} could have written it or anything above it:
 *
 * <ul>
 *   <li>every component, from {@code /} down, is owned by root or {@code trustedUid};
 *   <li>no directory above the path is writable by group or others, unless it is sticky (like
 *       {@code /tmp}: there others cannot rename or delete entries they do not own);
 *   <li>the path itself is never writable by group or others, sticky or not, and is of the kind
 *       asked for (directory, regular file, socket);
 *   <li>the path itself is never a symbolic link; a link above it counts only when a trusted uid
 *       owns it (macOS's {@code /var → private/var}), and is then followed and checked in turn.
 * </ul>
 *
 * <p>Every component is inspected with {@code lstat} (never following a link implicitly), walking
 * down from {@code /}. Because each directory is verified before the next component is looked up
 * in it, and only trusted uids can change a verified directory, the answer cannot be invalidated
 * afterwards by anyone else: there is no window for another user to swap a component.
 */
public final class PathTrust {
    private static final int GROUP_OR_OTHER_WRITE = 0022;
    private static final int STICKY = 01000;
    private static final int FILE_TYPE = 0170000;
    private static final int DIRECTORY = 0040000;
    private static final int REGULAR = 0100000;
    private static final int SOCKET = 0140000;
    private static final int SYMLINK = 0120000;
    private static final int MAX_LINKS = 40;

    /** What the path itself must be. */
    public enum Kind {
        DIRECTORY("a directory"),
        FILE("a regular file"),
        SOCKET("a socket");

        private final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final long trustedUid;

    private PathTrust(long trustedUid) {
        this.trustedUid = trustedUid;
    }

    /** Trusts root and {@code uid}. */
    public static PathTrust forUid(long uid) {
        return new PathTrust(uid);
    }

    /** Trusts root and the uid this process runs as. */
    public static PathTrust forThisProcess() {
        return new PathTrust(new com.sun.security.auth.module.UnixSystem().getUid());
    }

    public long trustedUid() {
        return trustedUid;
    }

    /** Checks {@code path}, which must exist and be of {@code kind}, and everything above it. */
    public Optional<TrustProblem> inspect(Path path, Kind kind) {
        Path absolute = path.toAbsolutePath().normalize();
        int links = 0;
        Path walked = absolute.getRoot();
        int depth = 0;
        Path remaining = absolute;
        while (true) {
            Map<String, Object> attributes;
            try {
                attributes = Files.readAttributes(walked, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return Optional.of(new TrustProblem(walked, -1, -1, "it does not exist", "create it, as root"));
            } catch (IOException e) {
                return Optional.of(new TrustProblem(
                        walked, -1, -1, "cannot inspect it: " + e.getMessage(), "make it readable by this user"));
            }
            long uid = ((Number) attributes.get("uid")).longValue();
            int mode = (Integer) attributes.get("mode");
            boolean leaf = depth == remaining.getNameCount();
            if (uid != 0 && uid != trustedUid) {
                return Optional.of(new TrustProblem(
                        walked,
                        uid,
                        mode & 07777,
                        "it is owned by uid " + uid + ", not by " + owners()
                                + ", so that user controls what is found there",
                        "use a directory that root created itself (e.g. mktemp -d as root), or chown root " + walked));
            }
            if ((mode & FILE_TYPE) == SYMLINK) {
                if (leaf) {
                    return Optional.of(new TrustProblem(
                            walked,
                            uid,
                            mode & 07777,
                            "it is a symbolic link, and links are never followed here",
                            "use the path the link points to, or replace the link with " + kind.label));
                }
                if (++links > MAX_LINKS) {
                    return Optional.of(new TrustProblem(
                            walked,
                            uid,
                            mode & 07777,
                            "too many levels of symbolic links",
                            "use a path without link loops"));
                }
                Path target;
                try {
                    target = Files.readSymbolicLink(walked);
                } catch (IOException e) {
                    return Optional.of(new TrustProblem(
                            walked,
                            uid,
                            mode & 07777,
                            "cannot read the link: " + e.getMessage(),
                            "use a path without symbolic links"));
                }
                Path rest = remaining.subpath(depth, remaining.getNameCount());
                Path parent = walked.getParent() == null ? walked : walked.getParent();
                remaining = parent.resolve(target).resolve(rest).normalize();
                walked = remaining.getRoot();
                depth = 0;
                continue;
            }
            if (!leaf) {
                if ((mode & FILE_TYPE) != DIRECTORY) {
                    return Optional.of(
                            new TrustProblem(walked, uid, mode & 07777, "it is not a directory", "check the path"));
                }
                if ((mode & GROUP_OR_OTHER_WRITE) != 0 && (mode & STICKY) == 0) {
                    return Optional.of(writable(walked, uid, mode, "a directory above it"));
                }
                walked = walked.resolve(remaining.getName(depth));
                depth++;
                continue;
            }
            int type = mode & FILE_TYPE;
            int expected = switch (kind) {
                case DIRECTORY -> DIRECTORY;
                case FILE -> REGULAR;
                case SOCKET -> SOCKET;
            };
            if (type != expected) {
                return Optional.of(new TrustProblem(
                        walked, uid, mode & 07777, "it is not " + kind.label, "remove it, or point to " + kind.label));
            }
            if (kind != Kind.SOCKET && (mode & GROUP_OR_OTHER_WRITE) != 0) {
                return Optional.of(writable(walked, uid, mode, "it"));
            }
            return Optional.empty();
        }
    }

    /** {@link #inspect} that throws; {@code what} names the path's role, e.g. {@code "state directory"}. */
    public void require(Path path, Kind kind, String what) throws UntrustedPathException {
        Optional<TrustProblem> problem = inspect(path, kind);
        if (problem.isPresent()) {
            throw new UntrustedPathException(what + " " + path, problem.get());
        }
    }

    /**
     * Makes {@code dir} exist as a trusted directory: checks the deepest existing ancestor, then
     * creates each missing component with {@code permissions} (mkdir never follows a link, and a
     * component someone else creates in the meantime fails the final check), then checks the
     * result. Never changes the mode or owner of anything that already existed.
     */
    public Path createDirectories(Path dir, String permissions, String what) throws UntrustedPathException {
        Path absolute = dir.toAbsolutePath().normalize();
        Path existing = requireCreatable(absolute, what);
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString(permissions);
        for (int i = existing.getNameCount(); i < absolute.getNameCount(); i++) {
            Path next = absolute.getRoot().resolve(absolute.subpath(0, i + 1));
            try {
                Files.createDirectory(next, PosixFilePermissions.asFileAttribute(perms));
                // The umask may have narrowed the mode. Setting it by path is safe: we just created it in a
                // verified directory only trusted uids can write, so nobody can have swapped in a link.
                Files.setPosixFilePermissions(next, perms);
            } catch (FileAlreadyExistsException e) {
                // created meanwhile: the check below decides whether it can be trusted
            } catch (IOException e) {
                throw new UntrustedPathException(
                        what + " " + absolute,
                        new TrustProblem(
                                next, -1, -1, "cannot create it: " + e.getMessage(), "create it by hand, as root"));
            }
        }
        require(absolute, Kind.DIRECTORY, what);
        return absolute;
    }

    /**
     * Checks {@code dir} if it exists, else its deepest existing ancestor: where it would be
     * created. Lets a caller check everything it will use before it creates any of it. The
     * error names {@code dir} as what was refused and the ancestor as the culprit.
     *
     * @return the path that was checked
     */
    public Path requireCreatable(Path dir, String what) throws UntrustedPathException {
        Path absolute = dir.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing.getParent() != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        Optional<TrustProblem> problem = inspect(existing, Kind.DIRECTORY);
        if (problem.isPresent()) {
            throw new UntrustedPathException(what + " " + absolute, problem.get());
        }
        return existing;
    }

    /** Who may own trusted paths, in words: {@code root}, or {@code root or uid 1000}. */
    public String owners() {
        return trustedUid == 0 ? "root" : "root or uid " + trustedUid;
    }

    private static TrustProblem writable(Path path, long uid, int mode, String which) {
        return new TrustProblem(
                path,
                uid,
                mode & 07777,
                which + " is writable by group or others, so they can replace" + " what is in it",
                "chmod go-w " + path);
    }
}
