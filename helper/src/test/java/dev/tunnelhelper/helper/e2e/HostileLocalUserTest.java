package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.endpoint.EndpointClient;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.GetStatus;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.Ping;
import dev.tunnelhelper.protocol.helper.StartDaemon;
import dev.tunnelhelper.protocol.helper.Subscribe;
import dev.tunnelhelper.protocol.testing.OtherUser;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Issue 12, attacks 2 and 3, against a real helper on its real sockets: connections from other
 * uids (made by {@link OtherUser}) that send a hundred descriptors with every message, flood the
 * helper with 2,000 connections, or hold connections and say nothing. Root keeps being served, and
 * once the attacker lets go the helper's descriptors and threads are exactly what they were.
 * The helper runs in this JVM, so "the helper's" descriptors and threads are this process's: the
 * test's own clients are raw sockets without threads, closed before anything is counted.
 */
@Timeout(300)
@RequiresRootAndTun
class HostileLocalUserTest {
    /** Allowed on the app endpoint by uid. */
    private static final OtherUser ALLOWED = OtherUser.NOBODY;
    /** In the app socket's group, so it can connect, but not allowed. */
    private static final OtherUser REFUSED = new OtherUser(65500, 65534);

    private static final AppMessage PING = AppMessage.newBuilder()
            .setRpc(dev.tunnelhelper.protocol.vpn.RPC.newBuilder().setMsgId(1))
            .setPing(Ping.getDefaultInstance())
            .build();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private HelperFixture fixture;
    private final List<FileInputStream> opened = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (FileInputStream in : opened) {
            in.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private void startHelper(long idleTimeoutSeconds, List<Long> allowedUids) throws Exception {
        fixture = HelperFixture.start(
                dir,
                HelperFixture.tunnel("100.131"),
                c -> c.toBuilder()
                        .appAccess(new HelperConfig.AppAccess("nogroup", allowedUids, List.of()))
                        .connections(new HelperConfig.Connections(idleTimeoutSeconds, null))
                        .build());
    }

    private Path appSocket() {
        return fixture.helper.paths().appSocket();
    }

    private FileDescriptor[] devNulls(int n) throws IOException {
        FileDescriptor[] fds = new FileDescriptor[n];
        for (int i = 0; i < n; i++) {
            FileInputStream in = new FileInputStream("/dev/null");
            opened.add(in);
            fds[i] = in.getFD();
        }
        return fds;
    }

    private boolean rootPing() {
        try (Speaker<AppMessage, HelperAppMessage> app = EndpointClient.connectApp(appSocket(), WAIT, in -> {})) {
            return app.call(
                            AppMessage.newBuilder()
                                    .setPing(Ping.getDefaultInstance())
                                    .build(),
                            WAIT)
                    .hasPong();
        } catch (IOException e) {
            return false;
        }
    }

    private void awaitDrained() throws Exception {
        fixture.helper.connectionsDrained().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * This process's descriptors as {@code number -> target}. Compared as sets, not counted: in a
     * JVM shared with other tests, the garbage collector may close an earlier test's descriptors
     * meanwhile, but a descriptor left open by the helper is one that was not there before.
     */
    private static Set<String> openFds() throws IOException {
        Set<String> fds = new HashSet<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : entries.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (!target.startsWith("/proc")) { // the listing's own descriptor
                        fds.add(fd.getFileName() + " -> " + target);
                    }
                } catch (IOException closedMeanwhile) {
                    // closed while listing
                }
            }
        }
        return fds;
    }

    private static void assertNoDescriptorAdded(Set<String> baseline, String why) throws IOException {
        Set<String> added = openFds();
        added.removeAll(baseline);
        assertEquals(Set.of(), added, why);
    }

    private static Set<Thread> liveThreads() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    /**
     * Waits up to {@code limit} for every thread that was not alive in {@code baseline} to end and
     * returns the names of those still running. The JDK's process reaper (it starts the
     * {@link OtherUser} program) is the test's, not the helper's.
     */
    private static List<String> threadsStillRunning(Set<Thread> baseline, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        List<String> running = new ArrayList<>();
        for (Thread t : liveThreads()) {
            if (baseline.contains(t) || t.getName().startsWith("process reaper")) {
                continue;
            }
            // A thread of NamedThreads.run's pool counts once it is back in the pool.
            if (!NamedThreads.awaitFree(t, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                running.add(t.getName());
            }
        }
        return running;
    }

    /** One of everything first, so lazily created pools and files are part of the baseline. */
    private Set<Thread> warmUp() throws Exception {
        assertTrue(rootPing());
        // Built once per helper when an extension connects (its HTTP client's selector and
        // thread): part of the baseline, not something a connection leaves behind.
        fixture.helper.prepareForStart().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        try (RawClient c = new RawClient(ALLOWED.connect(appSocket()))) {
            assertEquals("tunnelhelper helper 1.0", c.hello("app").readLine());
        }
        awaitDrained();
        threadsStillRunning(liveThreads(), Duration.ZERO);
        Set<Thread> baseline = liveThreads();
        assertEquals(List.of(), threadsStillRunning(baseline, Duration.ZERO));
        return baseline;
    }

    @Test
    void aHundredDescriptorsWithEveryMessageFrom500ConnectionsLeaveNoDescriptorAndNoThreadBehind() throws Exception {
        startHelper(60, List.of(ALLOWED.uid()));
        FileDescriptor[] hundred = devNulls(100);
        FileDescriptor[] three = devNulls(3);
        Path neSocket = fixture.helper.paths().extensionSocket();
        Set<Thread> threads = warmUp();
        Set<String> fds = openFds();
        int connections = 0;

        for (int round = 0; round < 4; round++) {
            for (AFUNIXSocket s : ALLOWED.connect(appSocket(), 25)) {
                try (RawClient c = new RawClient(s)) {
                    boolean withHello = connections++ % 2 == 0;
                    assertEquals(
                            "tunnelhelper helper 1.0",
                            (withHello ? c.hello("app", hundred) : c.hello("app")).readLine());
                    c.send(PING, withHello ? new FileDescriptor[0] : hundred);
                    assertTrue(c.receive(HelperAppMessage.parser()).hasPong(), "an allowed peer is still answered");
                }
            }
            awaitDrained(); // its connections are released before the next round: at most 32 per uid
        }
        for (int round = 0; round < 15; round++) {
            for (AFUNIXSocket s : REFUSED.connect(appSocket(), 10)) {
                try (RawClient c = new RawClient(s)) {
                    connections++;
                    // Refused at once: the helper's line and the error are already waiting.
                    assertEquals("tunnelhelper helper 1.0", c.readLine());
                    assertEquals(
                            "UNAUTHORIZED",
                            c.receive(HelperAppMessage.parser()).getError().getCode());
                    try {
                        c.hello("app", hundred);
                        c.send(PING, hundred);
                    } catch (IOException closedMeanwhile) {
                        // the helper lingers a moment for a refused peer, not forever
                    }
                }
            }
        }
        ExtensionMessage start = ExtensionMessage.newBuilder()
                .setRpc(dev.tunnelhelper.protocol.vpn.RPC.newBuilder().setMsgId(1))
                .setStartDaemon(StartDaemon.newBuilder().setAccessUrl(fixture.deployment.url()))
                .build();
        for (int i = 0; i < 150; i++, connections++) {
            try (RawClient c = new RawClient(AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(neSocket)))) {
                switch (i % 3) {
                    case 0 -> {
                        c.hello("extension").readLine();
                        c.send(start, hundred);
                        assertTrue(
                                c.endsWithoutMore(),
                                "a hundred descriptors with one message: the connection is dropped");
                    }
                    case 1 -> {
                        c.hello("extension").readLine();
                        c.send(start, devNullsUpTo(hundred, 5));
                        assertTrue(c.endsWithoutMore(), "one more than the limit of 4: dropped too");
                    }
                    default -> {
                        c.hello("extension", hundred).readLine();
                        c.send(start, three);
                        assertEquals(
                                "BAD_REQUEST",
                                c.receive(HelperExtensionMessage.parser())
                                        .getError()
                                        .getCode(),
                                "the hello's descriptors were dropped, and three within the limit are closed by the handler");
                    }
                }
            }
        }
        for (int i = 0; i < 100; i++, connections++) {
            try (RawClient c = new RawClient(AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(appSocket())))) {
                c.hello("app", hundred).readLine();
                c.send(PING, hundred);
                assertTrue(
                        c.receive(HelperAppMessage.parser()).hasPong(),
                        "the app endpoint takes no descriptors and still answers");
            }
        }
        assertEquals(500, connections);

        awaitDrained();
        assertNoDescriptorAdded(fds, "every descriptor sent to the helper was closed (50,000 of them)");
        assertEquals(
                List.of(), threadsStillRunning(threads, WAIT), "and every thread it started for a connection ended");
        assertTrue(rootPing());
    }

    private static FileDescriptor[] devNullsUpTo(FileDescriptor[] fds, int n) {
        return java.util.Arrays.copyOf(fds, n);
    }

    @Test
    void aFloodOf2000ConnectionsFromAnotherUserStarvesNobodyAndCostsNoThreads() throws Exception {
        startHelper(60, List.of(ALLOWED.uid()));
        Set<Thread> threads = warmUp();
        Set<String> fds = openFds();

        CompletableFuture<List<AFUNIXSocket>> flood = new CompletableFuture<>();
        NamedThreads.start("flood", () -> {
            try {
                flood.complete(ALLOWED.connect(appSocket(), 2000));
            } catch (IOException | RuntimeException e) {
                flood.completeExceptionally(e);
            }
        });
        int served = 0;
        for (int i = 0; i < 50; i++) {
            served += rootPing() ? 1 : 0;
        }
        List<AFUNIXSocket> sockets = flood.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(50, served, "root's requests are all served during the flood");

        // With 2,000 connections open (those that say nothing hold a slot until their 5 s hello deadline):
        assertEquals(List.of(), threadsStillRunning(threads, Duration.ofSeconds(2)), "no thread per connection");
        try (Speaker<AppMessage, HelperAppMessage> app = EndpointClient.connectApp(appSocket(), WAIT, in -> {})) {
            int reported = app.call(
                            AppMessage.newBuilder()
                                    .setGetStatus(GetStatus.getDefaultInstance())
                                    .build(),
                            WAIT)
                    .getStatus()
                    .getHelperThreads();
            assertTrue(
                    reported > 0 && reported <= threads.size() + 8,
                    "status reports " + reported + " threads; " + threads.size()
                            + " before the flood, plus this status connection's");
        }

        for (AFUNIXSocket s : sockets) {
            OtherUser.close(s);
        }
        awaitDrained();
        assertNoDescriptorAdded(fds, "descriptors back to the baseline");
        assertEquals(List.of(), threadsStillRunning(threads, WAIT), "threads back to the baseline");
    }

    @Test
    void idleConnectionsAreClosedSoHoldingThemLocksNobodyOutButASubscriberStays() throws Exception {
        startHelper(1, List.of(ALLOWED.uid()));
        List<Incoming> pushes = new ArrayList<>();
        Speaker<AppMessage, HelperAppMessage> subscriber = fixture.app(in -> pushes.add(new Incoming(in.message())));
        assertTrue(subscriber
                .call(
                        AppMessage.newBuilder()
                                .setSubscribe(Subscribe.getDefaultInstance())
                                .build(),
                        WAIT)
                .hasSubscribed());

        List<RawClient> idle = new ArrayList<>();
        for (AFUNIXSocket s : ALLOWED.connect(appSocket(), 32)) {
            RawClient c = new RawClient(s);
            assertEquals("tunnelhelper helper 1.0", c.hello("app").readLine());
            idle.add(c);
        }
        try (RawClient oneTooMany = new RawClient(ALLOWED.connect(appSocket()))) {
            assertEquals("tunnelhelper helper 1.0", oneTooMany.hello("app").readLine());
            HelperAppMessage refused = oneTooMany.receive(HelperAppMessage.parser());
            assertEquals("UNAUTHORIZED", refused.getError().getCode());
            assertEquals(
                    "uid 65534 already has 32 connections to the app endpoint, the most one user may have",
                    refused.getError().getMessage());
        }
        assertTrue(rootPing(), "root is served while one user holds all it may");

        for (RawClient c : idle) {
            HelperAppMessage told = c.receive(HelperAppMessage.parser());
            assertEquals("IDLE_TIMEOUT", told.getError().getCode());
            assertEquals(
                    "closed after 1 s without a request (subscribe to stay connected)",
                    told.getError().getMessage());
            assertTrue(c.endsWithoutMore());
            c.close();
        }
        HelperAppMessage status = subscriber.call(
                AppMessage.newBuilder()
                        .setGetStatus(GetStatus.getDefaultInstance())
                        .build(),
                WAIT);
        assertTrue(status.hasStatus(), "the subscriber, silent for longer than the idle ones, is still connected");
        try (RawClient again = new RawClient(ALLOWED.connect(appSocket()))) {
            again.hello("app").readLine();
            again.send(PING);
            assertTrue(again.receive(HelperAppMessage.parser()).hasPong(), "the slots were freed");
        }
    }

    @Test
    void usersOtherThanRootCannotTakeTheConnectionsKeptForRoot() throws Exception {
        List<Long> uids = LongStream.rangeClosed(65526, 65534).boxed().toList();
        startHelper(60, uids);
        List<RawClient> held = new ArrayList<>();
        int admitted = 0;
        int refused = 0;
        for (long uid : uids.subList(0, 8)) {
            for (AFUNIXSocket s : new OtherUser(uid, 65534).connect(appSocket(), 32)) {
                RawClient c = new RawClient(s);
                held.add(c);
                c.hello("app").readLine();
                c.send(PING);
                HelperAppMessage reply = c.receive(HelperAppMessage.parser());
                if (reply.hasPong()) {
                    admitted++;
                } else {
                    refused++;
                    assertEquals(
                            "too many connections to the app endpoint (224 for users other than root; 32 are kept for root)",
                            reply.getError().getMessage());
                }
            }
        }
        assertEquals(224, admitted);
        assertEquals(32, refused);
        for (int i = 0; i < 20; i++) {
            assertTrue(rootPing(), "root is served from the reserve");
        }
        try (RawClient ninth = new RawClient(new OtherUser(65534, 65534).connect(appSocket()))) {
            ninth.hello("app").readLine();
            assertEquals(
                    "UNAUTHORIZED",
                    ninth.receive(HelperAppMessage.parser()).getError().getCode());
        }
        for (RawClient c : held) {
            c.close();
        }
    }

    private record Incoming(HelperAppMessage message) {}
}
