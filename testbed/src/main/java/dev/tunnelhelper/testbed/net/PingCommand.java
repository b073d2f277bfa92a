package dev.tunnelhelper.testbed.net;

import dev.tunnelhelper.shim.IcmpEchoSocket;
import dev.tunnelhelper.shim.NativeException;
import dev.tunnelhelper.shim.Pinger;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code testbed ping}: ICMP echo from our own code (the shim's {@link Pinger}), printed as
 * {@code ping} prints it, so the demo and the tests need no installed ping.
 */
@Command(
        name = "ping",
        mixinStandardHelpOptions = true,
        description = {
            "Send ICMP echo requests and print the replies like ping does.",
            "Needs root (a raw socket) unless this group is in net.ipv4.ping_group_range."
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:at least one reply", "1:no reply", "2:usage error, unknown address, or no ICMP socket"})
public final class PingCommand implements Callable<Integer> {
    static final int REPLIED = 0;
    static final int NO_REPLY = 1;
    static final int ERROR = 2;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "-c",
            paramLabel = "COUNT",
            defaultValue = "3",
            description = "Requests to send (default: ${DEFAULT-VALUE}).")
    private int count;

    @Option(
            names = "-i",
            paramLabel = "SECONDS",
            defaultValue = "1",
            description = "Seconds between requests (default: ${DEFAULT-VALUE}).")
    private double interval;

    @Option(
            names = "-W",
            paramLabel = "SECONDS",
            defaultValue = "2",
            description = "Seconds to wait for each reply (default: ${DEFAULT-VALUE}).")
    private double timeout;

    @Option(
            names = "-s",
            paramLabel = "BYTES",
            defaultValue = "56",
            description = "Data bytes per request (default: ${DEFAULT-VALUE}).")
    private int size;

    @Parameters(paramLabel = "ADDRESS", description = "IPv4 or IPv6 address (or host name) to ping.")
    private String address;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Pinger.Options options;
        try {
            options = new Pinger.Options(count, seconds(interval), seconds(timeout), size);
        } catch (IllegalArgumentException e) {
            err.println("ping: " + e.getMessage());
            return ERROR;
        }
        InetAddress target;
        try {
            target = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            err.println("ping: unknown address " + address);
            return ERROR;
        }
        out.printf("PING %s (%s): %d data bytes%n", address, target.getHostAddress(), size);
        out.flush();
        Pinger.Statistics stats;
        try {
            stats = Pinger.ping(target, options, IcmpEchoSocket.Mode.AUTO, reply -> {
                out.printf(
                        "%d bytes from %s: icmp_seq=%d ttl=%s time=%s ms%n",
                        reply.bytes(),
                        reply.from().getHostAddress(),
                        reply.sequence(),
                        reply.ttl() < 0 ? "?" : reply.ttl(),
                        millis(reply.roundTrip()));
                out.flush();
            });
        } catch (NativeException e) {
            err.println("ping: " + e.getMessage());
            return ERROR;
        }
        out.printf("%n--- %s ping statistics ---%n", address);
        out.printf(
                "%d packets transmitted, %d received, %d%% packet loss%n",
                stats.transmitted(), stats.received(), stats.lossPercent());
        if (stats.received() > 0) {
            out.printf(
                    "rtt min/avg/max = %s/%s/%s ms%n",
                    millis(stats.min().orElseThrow()),
                    millis(stats.average().orElseThrow()),
                    millis(stats.max().orElseThrow()));
        }
        out.flush();
        return stats.received() > 0 ? REPLIED : NO_REPLY;
    }

    private static Duration seconds(double value) {
        if (!(value > 0) || value > 3600) {
            throw new IllegalArgumentException("seconds must be above 0 and at most 3600, got " + value);
        }
        return Duration.ofNanos((long) (value * 1e9));
    }

    static String millis(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.3f", d.toNanos() / 1e6);
    }
}
