package dev.tunnelhelper.shim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a child gets: exactly argv, exactly env (nothing inherited), stdin from /dev/null,
 * stdout/stderr from the given parent fds (or /dev/null when -1), and each fd-map entry
 * (child fd &lt;- parent fd). Every other descriptor is closed in the child. Parent fds are
 * only read at spawn time; the caller keeps owning them. The child starts in {@code /} unless
 * another working directory is given: never in whatever directory the parent runs in.
 */
public final class SpawnSpec {
    private final Path executable;
    private final List<String> argv;
    private final Map<String, String> env;
    private final SortedMap<Integer, Integer> fdMap;
    private final int stdoutFd;
    private final int stderrFd;
    private final Path workingDirectory;

    private SpawnSpec(Builder b) {
        this.executable = b.executable;
        this.argv = List.copyOf(b.argv);
        this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
        this.fdMap = Collections.unmodifiableSortedMap(new TreeMap<>(b.fdMap));
        this.stdoutFd = b.stdoutFd;
        this.stderrFd = b.stderrFd;
        this.workingDirectory = b.workingDirectory;
    }

    /** argv[0] defaults to the executable path; {@link Builder#args} appends the rest. */
    public static Builder builder(Path executable) {
        return new Builder(executable);
    }

    public Path executable() {
        return executable;
    }

    public List<String> argv() {
        return argv;
    }

    public Map<String, String> env() {
        return env;
    }

    /** child fd -&gt; parent fd. */
    public SortedMap<Integer, Integer> fdMap() {
        return fdMap;
    }

    public int stdoutFd() {
        return stdoutFd;
    }

    public int stderrFd() {
        return stderrFd;
    }

    /** Where the child starts: {@code /} by default. */
    public Path workingDirectory() {
        return workingDirectory;
    }

    String[] envp() {
        return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    public static final class Builder {
        private final Path executable;
        private final List<String> argv = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<Integer, Integer> fdMap = new TreeMap<>();
        private int stdoutFd = -1;
        private int stderrFd = -1;
        private Path workingDirectory = Path.of("/");

        private Builder(Path executable) {
            Objects.requireNonNull(executable, "executable");
            if (!executable.isAbsolute()) {
                throw new IllegalArgumentException("executable must be an absolute path: " + executable);
            }
            this.executable = executable;
            argv.add(executable.toString());
        }

        public Builder argv0(String name) {
            argv.set(0, Objects.requireNonNull(name, "argv0"));
            return this;
        }

        public Builder args(String... args) {
            for (String a : args) {
                argv.add(Objects.requireNonNull(a, "argument"));
            }
            return this;
        }

        public Builder args(List<String> args) {
            return args(args.toArray(String[]::new));
        }

        public Builder env(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isEmpty() || name.indexOf('=') >= 0) {
                throw new IllegalArgumentException("invalid environment variable name: " + name);
            }
            env.put(name, value);
            return this;
        }

        public Builder env(Map<String, String> values) {
            values.forEach(this::env);
            return this;
        }

        /** The child sees {@code parentFd} as {@code childFd}; child fds 0-2 are set through stdout/stderr. */
        public Builder mapFd(int childFd, int parentFd) {
            if (childFd < 3) {
                throw new IllegalArgumentException("child fd " + childFd + ": 0-2 are stdin/stdout/stderr");
            }
            if (parentFd < 0) {
                throw new IllegalArgumentException("parent fd must be >= 0, got " + parentFd);
            }
            if (fdMap.putIfAbsent(childFd, parentFd) != null) {
                throw new IllegalArgumentException("child fd " + childFd + " is already mapped");
            }
            return this;
        }

        /** -1 means /dev/null. */
        public Builder stdout(int parentFd) {
            this.stdoutFd = parentFd;
            return this;
        }

        /** -1 means /dev/null. */
        public Builder stderr(int parentFd) {
            this.stderrFd = parentFd;
            return this;
        }

        /** The child's working directory (absolute); {@code /} when not set. */
        public Builder workingDirectory(Path dir) {
            Objects.requireNonNull(dir, "dir");
            if (!dir.isAbsolute()) {
                throw new IllegalArgumentException("working directory must be an absolute path: " + dir);
            }
            this.workingDirectory = dir;
            return this;
        }

        public SpawnSpec build() {
            return new SpawnSpec(this);
        }
    }
}
