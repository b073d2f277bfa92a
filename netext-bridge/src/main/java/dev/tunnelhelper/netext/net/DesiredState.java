package dev.tunnelhelper.netext.net;

import dev.tunnelhelper.netext.SettingsApplyException;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest.DNSSettings;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What an interface should look like for one merged settings message:
 * addresses and routes as {@link Cidr}s, MTU, DNS. Validation happens here, before any change
 * is made, so bad input fails the apply without touching the interface.
 *
 * @param excludedRoutes kept only to warn about them: see {@link InterfaceApplier}
 */
public record DesiredState(Set<Cidr> addresses, Set<Cidr> routes, List<Cidr> excludedRoutes, int mtu, DNSSettings dns) {

    public static DesiredState of(NetworkSettingsRequest s) throws SettingsApplyException {
        Set<Cidr> addresses = new LinkedHashSet<>();
        Set<Cidr> routes = new LinkedHashSet<>();
        List<Cidr> excluded = new ArrayList<>();
        if (s.hasIpv4Settings()) {
            var v4 = s.getIpv4Settings();
            for (int i = 0; i < v4.getAddrsCount(); i++) {
                // A missing mask means a host address, as NEIPv4Settings would need one per address.
                int prefix = i < v4.getSubnetMasksCount() ? Cidr.prefixOfMask(v4.getSubnetMasks(i)) : 32;
                addresses.add(Cidr.of(v4.getAddrs(i), prefix));
            }
            for (var r : v4.getIncludedRoutesList()) {
                routes.add(Cidr.of(r.getDestination(), Cidr.prefixOfMask(r.getMask()))
                        .network());
            }
            for (var r : v4.getExcludedRoutesList()) {
                excluded.add(Cidr.of(r.getDestination(), Cidr.prefixOfMask(r.getMask()))
                        .network());
            }
        }
        if (s.hasIpv6Settings()) {
            var v6 = s.getIpv6Settings();
            for (int i = 0; i < v6.getAddrsCount(); i++) {
                int prefix = i < v6.getPrefixLengthsCount() ? v6.getPrefixLengths(i) : 128;
                addresses.add(Cidr.of(v6.getAddrs(i), prefix));
            }
            for (var r : v6.getIncludedRoutesList()) {
                routes.add(Cidr.of(r.getDestination(), r.getPrefixLength()).network());
            }
            for (var r : v6.getExcludedRoutesList()) {
                excluded.add(Cidr.of(r.getDestination(), r.getPrefixLength()).network());
            }
        }
        return new DesiredState(addresses, routes, excluded, s.getMtu(), s.getDnsSettings());
    }
}
