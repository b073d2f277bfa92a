package dev.tunnelhelper.bench.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * One run of the suite: the repository it measures, a private work directory (helper state
 * directories, deployments, sockets, logs), the C programs built into it, and every process
 * started, which {@link #close} stops (newest first) before removing the directory.
 */
final class Work implements AutoCloseable {
    static final String VERSION = "v2.24.3+thbench";
    static final long LARGE_BINARY_BYTES = 64L << 20;

    private final Path root;
    private final Path dir;
    private final boolean keep;
    private final Deque<Proc> procs = new ArrayDeque<>();
    private final List<String> compilers = new ArrayList<>();
    private int sequence;
    private Deployment small;
    private Deployment large;

    private Work(Path root, Path dir, boolean keep) {
        this.root = root;
        this.dir = dir;
        this.keep = keep;
    }

    /** Creates the work directory and builds the C programs into it with the machine's C compiler. */
    static Work create(Path root, boolean keep) throws IOException {
        // /tmp is sticky and root-owned, the directory 0700: the helper accepts it as a state parent.
        Work work = new Work(root, Files.createTempDirectory("thbench"), keep);
        work.build();
        return work;
    }

    private void build() {
        Path src = root.resolve("bench/harness/c");
        List<String> common = List.of(Machine.compiler(), "-O2", "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Wno-unused-parameter");
        List<String> thb = new ArrayList<>(common);
        thb.addAll(List.of("-o", thbPath().toString()));
        for (String f : List.of("thb.c", "wire.c", "peers.c", "manager.c", "floor.c", "appclient.c", "extclient.c", "fetch.c",
                "sha256.c", "process.c")) {
            thb.add(src.resolve(f).toString());
        }
        Proc.run(this, "cc-thb", thb, Duration.ofMinutes(2));
        List<String> tunnel = new ArrayList<>(common);
        tunnel.addAll(List.of("-DTHB_CONTROL=\"" + tunnelControl() + "\"", "-DTHB_VERSION=\"" + VERSION + "\"",
                "-o", tunnelPath().toString(), src.resolve("tunnel.c").toString(), src.resolve("wire.c").toString(),
                src.resolve("peers.c").toString()));
        Proc.run(this, "cc-tunnel", tunnel, Duration.ofMinutes(2));
        compilers.add(Proc.run(this, "cc-version", List.of(Machine.compiler(), "--version"), Duration.ofSeconds(30)).get(0));
    }

    Path root() {
        return root;
    }

    Path dir() {
        return dir;
    }

    String compiler() {
        return compilers.get(0);
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    /** A fresh, unique path in the work directory (for state directories, sockets, downloads). */
    Path fresh(String name) {
        return dir.resolve(uniqueName(name));
    }

    String uniqueName(String name) {
        return name + "-" + ++sequence;
    }

    Path thbPath() {
        return dir.resolve("thb");
    }

    String thb() {
        return thbPath().toString();
    }

    Path tunnelPath() {
        return dir.resolve("thb-tunnel");
    }

    /** The control socket compiled into the tunnel the deployments serve. */
    Path tunnelControl() {
        return dir.resolve("tunnel.ctl");
    }

    Path launcher(String name) {
        return root.resolve("bin").resolve(name);
    }

    /** The deployment serving the small C tunnel (started on first use, kept for the run). */
    Deployment smallDeployment() {
        if (small == null) {
            small = Deployment.start(this, "deployment-small", tunnelPath());
        }
        return small;
    }

    /** The same tunnel padded with random bytes to 64 MiB (ELF ignores trailing data). */
    Deployment largeDeployment() {
        if (large == null) {
            Path big = dir.resolve("thb-tunnel-64m");
            try {
                Files.copy(tunnelPath(), big);
                byte[] padding = new byte[1 << 20];
                SplittableRandom random = new SplittableRandom(14);
                try (OutputStream out = Files.newOutputStream(big, java.nio.file.StandardOpenOption.APPEND)) {
                    for (long left = LARGE_BINARY_BYTES - Files.size(big); left > 0; left -= padding.length) {
                        for (int i = 0; i < padding.length; i += 8) {
                            long r = random.nextLong();
                            for (int b = 0; b < 8; b++) {
                                padding[i + b] = (byte) (r >>> (8 * b));
                            }
                        }
                        out.write(padding, 0, (int) Math.min(left, padding.length));
                    }
                }
                big.toFile().setExecutable(true, true);
            } catch (IOException e) {
                throw new MeasurementException("cannot write the 64 MiB binary: " + e.getMessage());
            }
            large = Deployment.start(this, "deployment-64m", big);
        }
        return large;
    }

    Proc register(Proc p) {
        procs.push(p);
        return p;
    }

    @Override
    public void close() {
        while (!procs.isEmpty()) {
            procs.pop().close();
        }
        if (keep) {
            System.out.println("work directory kept: " + dir);
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e.getMessage());
        }
    }
}
