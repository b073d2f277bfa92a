package dev.tunnelhelper.protocol;

import dev.tunnelhelper.protocol.relay.TunnelFrame;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;

/** {@link RpcAccess} for the two sides of the CoderVPN protocol. */
public final class VpnRpc {
    /** The helper: sends {@link ManagerMessage}, receives {@link TunnelMessage}. */
    public static final RpcAccess<ManagerMessage, TunnelMessage> MANAGER = RpcAccess.of(
            TunnelMessage::getRpc, (m, rpc) -> m.toBuilder().setRpc(rpc).build());

    /** The helper reading peer updates as encoded bytes it relays ({@link TunnelFrame}). */
    public static final RpcAccess<ManagerMessage, TunnelFrame> RELAY = RpcAccess.of(
            TunnelFrame::getRpc, (m, rpc) -> m.toBuilder().setRpc(rpc).build());

    /** The tunnel binary: sends {@link TunnelMessage}, receives {@link ManagerMessage}. */
    public static final RpcAccess<TunnelMessage, ManagerMessage> TUNNEL = RpcAccess.of(
            ManagerMessage::getRpc, (m, rpc) -> m.toBuilder().setRpc(rpc).build());

    private VpnRpc() {}
}
