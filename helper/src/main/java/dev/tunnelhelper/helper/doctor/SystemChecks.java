package dev.tunnelhelper.helper.doctor;

import dev.tunnelhelper.launchd.exec.CommandException;
import dev.tunnelhelper.launchd.install.ServiceHost;
import dev.tunnelhelper.launchd.install.ServiceStatus;
import dev.tunnelhelper.launchd.install.ServiceStatusProbe;
import dev.tunnelhelper.shim.NativePlatform;
import dev.tunnelhelper.shim.TunDevice;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** What the machine offers the helper: a TUN device, and the service manager's view of the helper. */
final class SystemChecks {
    private static final int FILE_TYPE = 0170000;
    private static final int CHARACTER_DEVICE = 0020000;

    private final NativePlatform platform;
    private final boolean root;
    private final Path tunDevice;
    private final ServiceHost serviceHost;
    private final String label;

    SystemChecks(NativePlatform platform, boolean root, Path tunDevice, ServiceHost serviceHost, String label) {
        this.platform = platform;
        this.root = root;
        this.tunDevice = tunDevice;
        this.serviceHost = serviceHost;
        this.label = label;
    }

    /** Opening the clone device read-write creates nothing (that takes TUNSETIFF), so it is a safe probe. */
    Check tun() {
        String name = "tun-device";
        if (platform.isMac()) {
            if (!root) {
                return Check.warn(name, "utun not checked: opening one needs root", "run doctor as root");
            }
            try (TunDevice utun = TunDevice.open(null)) {
                return Check.ok(name, "opened and closed " + utun.name());
            } catch (RuntimeException e) {
                return Check.fail(
                        name, "cannot open a utun device: " + e.getMessage(), "check the system's network extensions");
            }
        }
        String load =
                "load the tun module (modprobe tun) or, in a container, pass the device in (--device /dev/net/tun)";
        if (!Files.exists(tunDevice, LinkOption.NOFOLLOW_LINKS)) {
            return Check.fail(name, tunDevice + " does not exist", load);
        }
        try {
            int mode = (Integer) Files.getAttribute(tunDevice, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & FILE_TYPE) != CHARACTER_DEVICE) {
                return Check.fail(name, tunDevice + " is not a character device", load);
            }
        } catch (IOException e) {
            return Check.fail(name, "cannot inspect " + tunDevice + ": " + e.getMessage(), load);
        }
        if (!root) {
            return Check.warn(
                    name,
                    tunDevice + " exists; only root (or CAP_NET_ADMIN) can create devices with it",
                    "run doctor as root to check it can be opened");
        }
        try (FileChannel ignored = FileChannel.open(tunDevice, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return Check.ok(name, tunDevice + " opens read-write");
        } catch (IOException e) {
            return Check.fail(name, "cannot open " + tunDevice + ": " + e.getMessage(), load);
        }
    }

    Check serviceManager() {
        String name = "service-manager";
        ServiceStatus s;
        try {
            s = new ServiceStatusProbe(serviceHost).probe(label);
        } catch (CommandException e) {
            return Check.fail(name, "cannot ask the service manager: " + e.getMessage(), "check systemctl / launchctl");
        }
        if (!s.managerAvailable()) {
            return Check.warn(
                    name,
                    s.toText(),
                    "none needed to run by hand; for a service, install it where " + s.manager()
                            + " runs: tunnel-helper install");
        }
        if (!s.loaded()) {
            return Check.warn(name, s.toText(), "tunnel-helper install");
        }
        // launchd starts the job on demand, when its Mach service is looked up; systemd keeps it running.
        boolean running = s.manager().equals("launchd") || s.state().equals("active");
        if (!running) {
            return Check.fail(
                    name,
                    s.toText(),
                    s.manager().equals("systemd")
                            ? "systemctl status " + s.service() + "; journalctl -u " + s.service() + " -b"
                            : "launchctl print system/" + s.service());
        }
        return Check.ok(name, s.toText());
    }
}
