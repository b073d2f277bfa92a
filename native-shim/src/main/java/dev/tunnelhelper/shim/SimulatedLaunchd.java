package dev.tunnelhelper.shim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The simulated launchd of one simulator root ({@code xpcsim-launchd}, shipped in the jar): Mach
 * service names exist while a job that declares them is loaded, and only the process launchd
 * starts for the job may listen on them. Jobs start on demand, with {@code XPCSIM_*} and
 * {@code TUNNELHELPER_*} from launchd's environment; this class sets {@code XPCSIM_ROOT} to the
 * root and {@code TUNNELHELPER_SHIM_VARIANT=xpcsim}, so Java jobs load the simulator-backed shim.
 * Processes that should use this root need {@code XPCSIM_ROOT} in their environment.
 */
public final class SimulatedLaunchd implements AutoCloseable {
    /** A loaded job: {@code running} or {@code waiting} (for a client), its pid (0 when none) and how often it started. */
    public record JobState(String state, int pid, int runs) {}

    private final Path root;
    private final Process process;

    private SimulatedLaunchd(Path root, Process process) {
        this.root = root;
        this.process = process;
    }

    /** Starts launchd for {@code root} (created if missing); returns once it accepts requests. */
    public static SimulatedLaunchd start(Path root) throws IOException {
        NativePlatform platform = NativePlatform.current();
        Path binary = ShimLoader.extract(platform, "xpcsim-launchd");
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(root);
        ProcessBuilder pb =
                new ProcessBuilder(binary.toString(), root.toAbsolutePath().toString());
        pb.environment().put("XPCSIM_ROOT", root.toAbsolutePath().toString());
        pb.environment().put(ShimVariant.ENV, "xpcsim");
        pb.redirectError(
                ProcessBuilder.Redirect.appendTo(root.resolve("launchd.log").toFile()));
        Process process = pb.start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"ready".equals(line)) {
            process.destroyForcibly();
            throw new IOException("xpcsim-launchd did not start for " + root + "; see " + root.resolve("launchd.log"));
        }
        return new SimulatedLaunchd(root.toAbsolutePath(), process);
    }

    public Path root() {
        return root;
    }

    /** {@code launchctl bootstrap system PLIST}: loads the job; returns its label. Needs root. */
    public String bootstrap(Path plist) {
        return request("bootstrap " + plist.toAbsolutePath());
    }

    /** {@code launchctl bootout system/LABEL}: stops the job and removes its names. */
    public void bootout(String label) {
        request("bootout " + label);
    }

    /**
     * {@code launchctl enable system/LABEL} / {@code disable}: launchd's override database, kept
     * under the root (it outlives this launchd, as the real one survives reboots). A disabled
     * label cannot be bootstrapped: {@link #bootstrap} fails with "Bootstrap failed: 5".
     */
    public void setEnabled(String label, boolean enabled) {
        request((enabled ? "enable " : "disable ") + label);
    }

    /**
     * {@code launchctl kickstart [-k] system/LABEL}: starts the job now; with {@code kill} a
     * running instance is ended first. Returns the pid of the instance that runs afterwards.
     */
    public int kickstart(String label, boolean kill) {
        return Integer.parseInt(
                request("kickstart " + (kill ? "-k " : "") + label).replaceFirst("^pid=", ""));
    }

    /** {@code launchctl print system/LABEL}, reduced to state, pid and number of runs. */
    public JobState print(String label) {
        String state = "";
        int pid = 0;
        int runs = 0;
        for (String field : request("print " + label).split(" ")) {
            String[] kv = field.split("=", 2);
            switch (kv[0]) {
                case "state" -> state = kv[1];
                case "pid" -> pid = Integer.parseInt(kv[1]);
                case "runs" -> runs = Integer.parseInt(kv[1]);
                default -> {}
            }
        }
        return new JobState(state, pid, runs);
    }

    /**
     * For scripts ({@code bin/demo --xpc}), on the launchd already running for {@code ROOT}:
     * {@code ROOT bootstrap PLIST}, {@code ROOT bootout LABEL} or {@code ROOT print LABEL}; prints
     * launchd's answer, exits 1 with its refusal.
     */
    public static void main(String[] args) {
        if (args.length != 3 || !List.of("bootstrap", "bootout", "print").contains(args[1])) {
            System.err.println("usage: SimulatedLaunchd ROOT bootstrap PLIST | bootout LABEL | print LABEL");
            System.exit(2);
        }
        String operand =
                args[1].equals("bootstrap") ? Path.of(args[2]).toAbsolutePath().toString() : args[2];
        try {
            System.out.println(request(Path.of(args[0]).toAbsolutePath(), args[1] + " " + operand));
        } catch (IllegalStateException | UncheckedIOException e) {
            System.err.println("SimulatedLaunchd: " + e.getMessage());
            System.exit(1);
        }
    }

    private String request(String line) {
        return request(root, line);
    }

    private static String request(Path root, String line) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(root.resolve("launchd.sock")));
            ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (ch.read(buf) >= 0 && (buf.position() == 0 || buf.get(buf.position() - 1) != '\n')) {
                if (!buf.hasRemaining()) {
                    break;
                }
            }
            String answer = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
            if (answer.equals("ok")) {
                return "";
            }
            if (answer.startsWith("ok ")) {
                return answer.substring(3);
            }
            throw new IllegalStateException("launchd refused \"" + line + "\": " + answer.replaceFirst("^error ", ""));
        } catch (IOException e) {
            throw new UncheckedIOException("talking to the simulated launchd at " + root, e);
        }
    }

    /** Stops launchd and, with it, every job it started. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
