package dev.tunnelhelper.bench.harness;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the cold-start row's download phase costs a JVM at best: the same URL fetched with the
 * JDK's {@link HttpURLConnection} (the helper's transport), written to a file and digested in one
 * pass, {@code --runs} times in one JVM, so the later runs are compiled and nothing is first-used.
 * It prints the median of the second half of the runs ({@code median_ns}), one figure per set of
 * digests ({@code --digests}): {@code none} (download and write), {@code sha256},
 * {@code sha512} (the pass an Ed25519 signature over the whole binary needs), {@code all}
 * (SHA-1 for the ETag, SHA-256 and SHA-512, what the helper computes). A lower bound for the
 * helper, not a model of it: the helper also speaks to the extension, fetches build info, spawns
 * and hands off between threads, and a cold start runs all of it for the first time.
 *
 * <p>{@code java -cp bench/target/harness dev.tunnelhelper.bench.harness.JvmDownloadFloor --url U
 * --out FILE --runs 12 --digests sha512}
 */
public final class JvmDownloadFloor {
    private JvmDownloadFloor() {}

    public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
        String url = null, out = null, digests = "all";
        int runs = 12;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--url" -> url = args[i + 1];
                case "--out" -> out = args[i + 1];
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--digests" -> digests = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (url == null || out == null || runs < 2 || !List.of("none", "sha256", "sha512", "all").contains(digests)) {
            System.err.println("usage: JvmDownloadFloor --url U --out FILE [--runs N>=2] [--digests none|sha256|sha512|all]");
            System.exit(2);
        }
        List<Long> times = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            long bytes = fetch(URI.create(url), Path.of(out), digests);
            long took = System.nanoTime() - start;
            times.add(took);
            System.out.println("run_ns " + took + " bytes " + bytes);
        }
        System.out.println("median_ns " + Math.round(Stats.median(times.subList(runs / 2, runs))));
    }

    private static long fetch(URI uri, Path out, String digests) throws IOException, NoSuchAlgorithmException {
        List<MessageDigest> passes = new ArrayList<>();
        if (digests.equals("all")) {
            passes.add(MessageDigest.getInstance("SHA-1"));
        }
        if (digests.equals("all") || digests.equals("sha256")) {
            passes.add(MessageDigest.getInstance("SHA-256"));
        }
        if (digests.equals("all") || digests.equals("sha512")) {
            passes.add(MessageDigest.getInstance("SHA-512"));
        }
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        byte[] chunk = new byte[1 << 16];
        long bytes = 0;
        try (InputStream in = connection.getInputStream();
                FileChannel file = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int n; (n = in.read(chunk)) > 0; bytes += n) {
                for (MessageDigest pass : passes) {
                    pass.update(chunk, 0, n);
                }
                ByteBuffer written = ByteBuffer.wrap(chunk, 0, n);
                while (written.hasRemaining()) {
                    file.write(written);
                }
            }
        }
        passes.forEach(MessageDigest::digest);
        return bytes;
    }
}
