package dev.tunnelhelper.netext.net;

import java.util.List;

/** Reads the kernel's view through {@code ip}, as an operator would check it. */
final class IpTool {
    private static final ProcessCommandRunner RUNNER = new ProcessCommandRunner();

    private IpTool() {
    }

    static String run(String... args) {
        List<String> argv = new java.util.ArrayList<>();
        argv.add("ip");
        argv.addAll(List.of(args));
        CommandResult r = RUNNER.run(argv);
        if (!r.ok()) {
            throw new AssertionError(r.describeFailure());
        }
        return r.stdout();
    }

    static String addresses(String ifname) {
        return run("-o", "addr", "show", "dev", ifname);
    }

    static String routes(String ifname) {
        return run("-4", "route", "show", "dev", ifname) + run("-6", "route", "show", "dev", ifname);
    }

    static String link(String ifname) {
        return run("-o", "link", "show", "dev", ifname);
    }
}
