package dev.tunnelhelper.netext.net;

import dev.tunnelhelper.netext.SettingsApplyException;
import java.util.List;

/** A platform's command-line tools ({@link NetworkDialect}) run through a {@link CommandRunner}: macOS. */
final class CommandChanges implements InterfaceChanges {
    private final String ifname;
    private final NetworkDialect dialect;
    private final CommandRunner runner;

    CommandChanges(String ifname, NetworkDialect dialect, CommandRunner runner) {
        this.ifname = ifname;
        this.dialect = dialect;
        this.runner = runner;
    }

    private void run(List<String> argv) throws SettingsApplyException {
        CommandResult r = runner.run(argv);
        if (!r.ok()) {
            throw new SettingsApplyException(r.describeFailure());
        }
    }

    @Override
    public void addAddress(Cidr a) throws SettingsApplyException {
        run(dialect.addAddress(ifname, a));
    }

    @Override
    public void deleteAddress(Cidr a) throws SettingsApplyException {
        run(dialect.deleteAddress(ifname, a));
    }

    @Override
    public void setMtu(int mtu) throws SettingsApplyException {
        run(dialect.setMtu(ifname, mtu));
    }

    @Override
    public void linkUp() throws SettingsApplyException {
        run(dialect.linkUp(ifname));
    }

    @Override
    public void addRoute(Cidr n) throws SettingsApplyException {
        run(dialect.addRoute(ifname, n));
    }

    @Override
    public void deleteRoute(Cidr n) throws SettingsApplyException {
        run(dialect.deleteRoute(ifname, n));
    }
}
