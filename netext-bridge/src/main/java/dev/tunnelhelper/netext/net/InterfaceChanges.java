package dev.tunnelhelper.netext.net;

import dev.tunnelhelper.netext.SettingsApplyException;

/**
 * The few changes an {@link InterfaceApplier} makes to its interface, on one platform. A failure
 * is a {@link SettingsApplyException} whose message the tunnel (and its operator) can act on: the
 * change, the interface and what the system said.
 */
public interface InterfaceChanges {
    void addAddress(Cidr address) throws SettingsApplyException;

    void deleteAddress(Cidr address) throws SettingsApplyException;

    void setMtu(int mtu) throws SettingsApplyException;

    void linkUp() throws SettingsApplyException;

    /** Idempotent: adding a route that is there succeeds. */
    void addRoute(Cidr network) throws SettingsApplyException;

    void deleteRoute(Cidr network) throws SettingsApplyException;
}
