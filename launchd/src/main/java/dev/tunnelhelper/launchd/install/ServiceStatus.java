package dev.tunnelhelper.launchd.install;

/**
 * The service manager's view of the helper, for {@code tunnel-helper status}.
 *
 * @param manager {@code launchd} or {@code systemd}
 * @param service the launchd label or systemd unit name
 * @param managerAvailable false when the service manager cannot be asked (systemd not running)
 * @param loaded launchd: bootstrapped; systemd: the unit is known and enabled or active
 * @param state launchd's {@code state} (e.g. running, not running) or systemd's is-active answer
 * @param pid the daemon's pid when the manager reports one, else null
 * @param detail a human-readable explanation
 */
public record ServiceStatus(
        String manager,
        String service,
        boolean managerAvailable,
        boolean loaded,
        String state,
        Long pid,
        String detail) {

    public String toText() {
        StringBuilder text = new StringBuilder()
                .append(manager)
                .append(' ')
                .append(service)
                .append(": ")
                .append(loaded ? "loaded" : "not loaded")
                .append(", state ")
                .append(state);
        if (pid != null) {
            text.append(", pid ").append(pid);
        }
        if (detail != null && !detail.isEmpty()) {
            text.append(" (").append(detail).append(')');
        }
        return text.toString();
    }
}
