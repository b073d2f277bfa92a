package dev.tunnelhelper.netext.net;

import dev.tunnelhelper.netext.NetworkSettingsApplier;
import dev.tunnelhelper.netext.SettingsApplyException;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies settings to one interface through its platform's {@link InterfaceChanges}, remembering
 * exactly which addresses and routes it added, so a re-apply removes only its own leftovers and
 * {@link #remove} leaves the interface as it found it.
 *
 * <p>Order matters to the kernel: stale routes and addresses go first, then addresses, MTU, link
 * up, and routes last (a route to a down link is refused).
 *
 * <p>Excluded routes are not installed: included routes are added as specific routes next to
 * the existing ones, so everything outside them already bypasses the tunnel; carving an excluded
 * range out of an included one would need policy routing (a {@code throw} route alone sends the
 * lookup to an empty table, which makes the range unreachable instead of untunnelled). Each is
 * reported with a WARN line.
 */
public class InterfaceApplier implements NetworkSettingsApplier {
    private static final Logger log = LoggerFactory.getLogger(InterfaceApplier.class);

    private final String ifname;
    private final InterfaceChanges changes;
    private final DnsConfigurator dns;
    private final Set<Cidr> addedAddresses = new LinkedHashSet<>();
    private final Set<Cidr> addedRoutes = new LinkedHashSet<>();
    private final List<String> warnings = new ArrayList<>();
    private int mtu;

    protected InterfaceApplier(String ifname, InterfaceChanges changes, DnsConfigurator dns) {
        this.ifname = ifname;
        this.changes = changes;
        this.dns = dns;
    }

    @Override
    public synchronized void apply(NetworkSettingsRequest merged) throws SettingsApplyException {
        DesiredState want = DesiredState.of(merged);
        warnings.clear();
        for (Cidr stale : List.copyOf(addedRoutes)) {
            if (!want.routes().contains(stale)) {
                changes.deleteRoute(stale);
                addedRoutes.remove(stale);
            }
        }
        for (Cidr stale : List.copyOf(addedAddresses)) {
            if (!want.addresses().contains(stale)) {
                changes.deleteAddress(stale);
                addedAddresses.remove(stale);
            }
        }
        for (Cidr a : want.addresses()) {
            if (!addedAddresses.contains(a)) {
                changes.addAddress(a);
                addedAddresses.add(a);
            }
        }
        if (want.mtu() != 0) {
            changes.setMtu(want.mtu());
            mtu = want.mtu();
        }
        changes.linkUp();
        for (Cidr r : want.routes()) {
            if (!addedRoutes.contains(r)) {
                changes.addRoute(r);
                addedRoutes.add(r);
            }
        }
        for (Cidr x : want.excludedRoutes()) {
            warn("excluded route " + x + " not installed: traffic outside the included routes already bypasses "
                    + ifname);
        }
        dns.apply(ifname, want.dns()).ifPresent(this::warn);
    }

    private void warn(String warning) {
        warnings.add(warning);
        log.warn("{}: {}", ifname, warning);
    }

    /**
     * {@inheritDoc}
     *
     * <p>What could not be removed stays tracked, so a later {@code remove} tries it again.
     */
    @Override
    public synchronized List<String> remove() {
        List<String> stillInPlace = new ArrayList<>();
        dns.remove(ifname).ifPresent(stillInPlace::add);
        for (Cidr r : List.copyOf(addedRoutes)) {
            if (removed(() -> changes.deleteRoute(r), "route " + r, stillInPlace)) {
                addedRoutes.remove(r);
            }
        }
        for (Cidr a : List.copyOf(addedAddresses)) {
            if (removed(() -> changes.deleteAddress(a), "address " + a, stillInPlace)) {
                addedAddresses.remove(a);
            }
        }
        return List.copyOf(stillInPlace);
    }

    private interface Change {
        void run() throws SettingsApplyException;
    }

    /** Runs one deletion; false, with the reason added to {@code stillInPlace}, when the setting is still there. */
    private boolean removed(Change deletion, String what, List<String> stillInPlace) {
        try {
            deletion.run();
            return true;
        } catch (SettingsApplyException e) {
            if (AlreadyGone.explains(e)) {
                // The interface went first (everything went with it), or someone removed the setting.
                log.debug("cleanup: {} already gone: {}", what, e.getMessage());
                return true;
            }
            log.warn("cleanup: {} on {} not removed: {}", what, ifname, e.getMessage());
            stillInPlace.add(e.getMessage()); // names the change and the interface (InterfaceChanges)
            return false;
        }
    }

    /** Addresses this applier has added and not removed. */
    public synchronized List<Cidr> addresses() {
        return List.copyOf(addedAddresses);
    }

    public synchronized List<Cidr> routes() {
        return List.copyOf(addedRoutes);
    }

    public synchronized int mtu() {
        return mtu;
    }

    /** Warnings from the last apply (DNS not applied, excluded routes ignored). */
    public synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    public String dnsDescription() {
        return dns.describe();
    }
}
