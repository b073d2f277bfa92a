package dev.tunnelhelper.netext.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tunnelhelper.netext.SettingsApplyException;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.DNSSettings;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.IPv4Settings;
import dev.tunnelhelper.shim.NativeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What {@link InterfaceApplier#remove} says is still in place: exactly the settings the system
 * refused to remove, never one that was already gone, and those are tried again next time.
 * (LinuxNetworkApplierTest covers the kernel's side on a real device.)
 */
class InterfaceApplierRemovalTest {
    private static final String IFNAME = "tfake0";

    /** Records the deletions and fails the ones it is told to, as netlink or a command would. */
    private static final class ScriptedChanges implements InterfaceChanges {
        final List<String> deletions = new ArrayList<>();
        final Map<String, SettingsApplyException> failures = new HashMap<>();

        @Override
        public void addAddress(Cidr address) {}

        @Override
        public void deleteAddress(Cidr address) throws SettingsApplyException {
            delete("address " + address);
        }

        @Override
        public void setMtu(int mtu) {}

        @Override
        public void linkUp() {}

        @Override
        public void addRoute(Cidr network) {}

        @Override
        public void deleteRoute(Cidr network) throws SettingsApplyException {
            delete("route " + network);
        }

        private void delete(String what) throws SettingsApplyException {
            deletions.add(what);
            SettingsApplyException failure = failures.get(what);
            if (failure != null) {
                throw failure;
            }
        }
    }

    private static final class ScriptedDns implements DnsConfigurator {
        Optional<String> revertFailure = Optional.empty();

        @Override
        public Optional<String> apply(String ifname, DNSSettings dns) {
            return Optional.empty();
        }

        @Override
        public Optional<String> remove(String ifname) {
            return revertFailure;
        }

        @Override
        public String describe() {
            return "scripted";
        }
    }

    private final ScriptedChanges changes = new ScriptedChanges();
    private final ScriptedDns dns = new ScriptedDns();
    private final InterfaceApplier applier = new InterfaceApplier(IFNAME, changes, dns) {};

    private void applyOneAddressAndOneRoute() throws SettingsApplyException {
        applier.apply(NetworkSettingsRequest.newBuilder()
                .setIpv4Settings(IPv4Settings.newBuilder()
                        .addAddrs("100.100.0.1")
                        .addSubnetMasks("255.255.255.255")
                        .addIncludedRoutes(IPv4Settings.IPv4Route.newBuilder()
                                .setDestination("100.100.0.0")
                                .setMask("255.255.0.0")))
                .build());
    }

    private static SettingsApplyException kernel(int errno, String what) {
        String message = what + " on " + IFNAME + ": errno " + errno;
        return new SettingsApplyException(message, new NativeException(errno, message));
    }

    @Test
    void everythingRemovedLeavesNothingToReport() throws Exception {
        applyOneAddressAndOneRoute();

        assertEquals(List.of(), applier.remove());
        assertEquals(List.of("route 100.100.0.0/16", "address 100.100.0.1/32"), changes.deletions);
    }

    @Test
    void aRemovalTheSystemRefusesIsReportedWithItsReasonAndTriedAgainNextTime() throws Exception {
        applyOneAddressAndOneRoute();
        changes.failures.put("route 100.100.0.0/16", kernel(1, "delete route 100.100.0.0/16")); // EPERM

        List<String> left = applier.remove();

        assertEquals(List.of("delete route 100.100.0.0/16 on tfake0: errno 1"), left);
        // The refusal did not stop the other removal.
        assertEquals(List.of("route 100.100.0.0/16", "address 100.100.0.1/32"), changes.deletions);

        changes.failures.clear();
        changes.deletions.clear();
        assertEquals(List.of(), applier.remove());
        assertEquals(List.of("route 100.100.0.0/16"), changes.deletions, "only what was left is tried again");
        assertEquals(List.of(), applier.addresses());
        assertEquals(List.of(), applier.routes());
    }

    /** The kernel's answers when there is nothing left to delete: someone removed it, or the interface went. */
    @ParameterizedTest(name = "route errno {0}, address errno {1}")
    @CsvSource({"3, 99", "19, 19"}) // ESRCH and EADDRNOTAVAIL; ENODEV for both
    void whatWasAlreadyGoneCountsAsRemoved(int routeErrno, int addressErrno) throws Exception {
        applyOneAddressAndOneRoute();
        changes.failures.put("route 100.100.0.0/16", kernel(routeErrno, "delete route 100.100.0.0/16"));
        changes.failures.put("address 100.100.0.1/32", kernel(addressErrno, "delete address 100.100.0.1/32"));

        assertEquals(List.of(), applier.remove());

        changes.deletions.clear();
        assertEquals(List.of(), applier.remove());
        assertEquals(List.of(), changes.deletions, "nothing is left to try again");
    }

    @Test
    void aFailedCommandIsNeverTakenForSomethingAlreadyGone() throws Exception {
        // macOS removes through ifconfig and route: their failures carry no errno to judge by.
        applyOneAddressAndOneRoute();
        changes.failures.put(
                "address 100.100.0.1/32",
                new SettingsApplyException("`/sbin/ifconfig tfake0 inet 100.100.0.1 -alias` failed (exit 1)"));

        List<String> left = applier.remove();

        assertEquals(List.of("`/sbin/ifconfig tfake0 inet 100.100.0.1 -alias` failed (exit 1)"), left);
    }

    @Test
    void dnsThatCouldNotBeRevertedIsReported() throws Exception {
        applyOneAddressAndOneRoute();
        dns.revertFailure = Optional.of("DNS on tfake0: `resolvectl revert tfake0` failed (exit 1)");

        assertEquals(List.of("DNS on tfake0: `resolvectl revert tfake0` failed (exit 1)"), applier.remove());
    }
}
