package dev.tunnelhelper.testbed.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.testbed.TestbedMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import picocli.CommandLine;

/** {@code testbed ping} and {@code testbed interface} outside the tunnel: usage, loopback, absent names. */
class NetToolsCliTest {
    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TestbedMain.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void badPingArgumentsAreExitCode2WithTheReason() {
        Run zero = run("ping", "-c", "0", "127.0.0.1");
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("count must be at least 1"), zero.err());
        Run interval = run("ping", "-i", "0", "127.0.0.1");
        assertEquals(2, interval.code());
        assertTrue(interval.err().contains("seconds must be above 0"), interval.err());
        Run unknown = run("ping", "no-such-host.invalid");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown address no-such-host.invalid"), unknown.err());
        assertEquals(2, run("ping").code(), "the address is required");
        assertEquals("", zero.out() + interval.out() + unknown.out(), "nothing printed as if pinging");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void interfaceShowsLoopbackAndRefusesAnUnknownName() {
        Run lo = run("interface", "lo");
        assertEquals(0, lo.code(), lo.err());
        assertTrue(lo.out().startsWith("lo: up, mtu "), lo.out());
        assertTrue(lo.out().contains("\n  inet 127.0.0.1/8\n"), lo.out());
        Run missing = run("interface", "thnosuch0");
        assertEquals(1, missing.code());
        assertEquals("interface: no interface thnosuch0\n", missing.err());
    }
}
