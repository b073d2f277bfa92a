package dev.tunnelhelper.testbed.net;

import dev.tunnelhelper.shim.NativeException;
import dev.tunnelhelper.shim.NetworkInterfaces;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code testbed interface NAME}: what the kernel has on an interface (link state, MTU, addresses,
 * main-table routes), read through the shim's rtnetlink, so the demo needs no {@code ip}. Linux only.
 */
@Command(
        name = "interface",
        mixinStandardHelpOptions = true,
        description = "Show an interface as the kernel has it: up/down, MTU, addresses, routes out of it.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:shown", "1:no such interface", "2:usage error"})
public final class InterfaceCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "Interface name, e.g. tun0.")
    private String name;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Optional<NetworkInterfaces.Link> link = NetworkInterfaces.link(name);
        if (link.isEmpty()) {
            spec.commandLine().getErr().println("interface: no interface " + name);
            return 1;
        }
        try {
            out.printf(
                    "%s: %s, mtu %d%n",
                    name, link.get().up() ? "up" : "down", link.get().mtu());
            for (NetworkInterfaces.Entry a : NetworkInterfaces.addresses(name)) {
                out.printf("  %s %s%n", a.ipv6() ? "inet6" : "inet", a);
            }
            for (NetworkInterfaces.Entry r : NetworkInterfaces.routes(name)) {
                out.printf("  route %s%n", r);
            }
        } catch (NativeException e) {
            spec.commandLine().getErr().println("interface: " + e.getMessage());
            return 1;
        }
        out.flush();
        return 0;
    }
}
