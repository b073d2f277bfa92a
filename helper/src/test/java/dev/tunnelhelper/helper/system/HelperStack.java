package dev.tunnelhelper.helper.system;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A testbed deployment and a helper, as real processes, in one temp directory, with the
 * reference tunnel on a subnet of the test's choosing so parallel runs and the demo do not collide.
 */
final class HelperStack implements AutoCloseable {
    final Path dir;
    final Path stateDir;
    final Path logs;
    final String subnet;
    final String url;
    private final Launched testbed;
    private final Launched helper;

    private HelperStack(Path dir, String subnet, Launched testbed, Launched helper, String url) {
        this.dir = dir;
        this.stateDir = dir.resolve("helper");
        this.logs = dir.resolve("logs");
        this.subnet = subnet;
        this.testbed = testbed;
        this.helper = helper;
        this.url = url;
    }

    static HelperStack start(Path dir, String subnet) throws IOException, InterruptedException {
        Programs.requireBuilt("testbed");
        Path logs = dir.resolve("logs");
        Path deployment = dir.resolve("deployment");
        Launched testbed = Launched.start(
                "testbed",
                logs,
                Programs.bin(
                        "testbed",
                        "deployment",
                        "--listen",
                        "127.0.0.1:0",
                        "--dir",
                        deployment.toString(),
                        "--tunnel-subnet",
                        subnet),
                null);
        Launched helper = null;
        try {
            Path manifest = deployment.resolve("deployment.json");
            awaitFile(manifest, testbed, Duration.ofSeconds(60));
            JsonNode d = Programs.readJson(manifest);
            Path stateDir = dir.resolve("helper");
            helper = Launched.start(
                    "helper",
                    logs,
                    Programs.tunnelHelper(
                            "run",
                            "--state-dir",
                            stateDir.toString(),
                            "--ed25519-key",
                            d.get("public_key").asText()),
                    null);
            awaitFile(stateDir.resolve("run/app.sock"), helper, Duration.ofSeconds(60));
            awaitFile(stateDir.resolve("run/ne.sock"), helper, Duration.ofSeconds(10));
            return new HelperStack(dir, subnet, testbed, helper, d.get("url").asText());
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            if (helper != null) {
                helper.close();
            }
            testbed.close();
            throw e;
        }
    }

    private static void awaitFile(Path file, Launched owner, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!Files.exists(file)) {
            if (!owner.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no " + file + "\nstdout:\n" + owner.out() + "\nstderr:\n" + owner.err());
            }
            Thread.sleep(100);
        }
    }

    String agentIp(int workspace, int agent) {
        return subnet + "." + (workspace + 1) + "." + (agent + 2);
    }

    Path tokenFile() throws IOException {
        Path token = dir.resolve("token");
        if (!Files.exists(token)) {
            Files.writeString(token, "e2e-token\n");
        }
        return token;
    }

    Programs.Result appClient(String... args) throws IOException, InterruptedException {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--state-dir";
        all[args.length + 1] = stateDir.toString();
        return Programs.run(logs, "app-client", Programs.appClient(all), Duration.ofSeconds(60));
    }

    String state() throws IOException, InterruptedException {
        Programs.Result r = appClient("status", "--json");
        if (r.code() != 0) {
            throw new AssertionError("app-client status failed: " + r.err());
        }
        return r.json().get("state").asText();
    }

    /** Waits for the helper to report {@code state}: teardown finishes shortly after the replies. */
    void awaitState(String state, Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        String last = state();
        while (!last.equals(state) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            last = state();
        }
        if (!last.equals(state)) {
            throw new AssertionError("helper is " + last + ", expected " + state + "\nhelper log:\n" + helper.err());
        }
    }

    Launched startBridge(String name, String tun) throws IOException {
        return Launched.start(
                name,
                logs,
                Programs.netextBridge(
                        "start",
                        "--url",
                        url,
                        "--token-file",
                        tokenFile().toString(),
                        "--tun",
                        tun,
                        "--state-dir",
                        stateDir.toString()),
                null);
    }

    Programs.Result stopBridge() throws IOException, InterruptedException {
        // Options before the subcommand here; startBridge gives them after it.
        return Programs.run(
                logs,
                "netext-bridge-stop",
                Programs.netextBridge("--state-dir", stateDir.toString(), "stop"),
                Duration.ofSeconds(60));
    }

    String helperLog() {
        return helper.err();
    }

    @Override
    public void close() {
        helper.close();
        testbed.close();
    }
}
