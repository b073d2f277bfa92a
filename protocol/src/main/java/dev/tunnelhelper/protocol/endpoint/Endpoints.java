package dev.tunnelhelper.protocol.endpoint;

import dev.tunnelhelper.protocol.Handshake;
import dev.tunnelhelper.protocol.ProtocolVersion;
import dev.tunnelhelper.protocol.RpcAccess;
import dev.tunnelhelper.protocol.VersionList;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import java.time.Duration;

/**
 * Conventions of the helper's two endpoints (docs/protocol.md §2): the opening line
 * {@code tunnelhelper <role> <versions>}, the roles, and RPC access for each message set.
 */
public final class Endpoints {
    public static final String PREAMBLE = "tunnelhelper";
    public static final String HELPER_ROLE = "helper";
    public static final VersionList VERSIONS = VersionList.of(new ProtocolVersion(1, 0));
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

    /** The two kinds of client, named as they introduce themselves. */
    public enum Kind {
        APP("app"),
        EXTENSION("extension");

        private final String role;

        Kind(String role) {
            this.role = role;
        }

        public String role() {
            return role;
        }
    }

    public static Handshake helperHandshake(Kind expected) {
        return new Handshake(PREAMBLE, HELPER_ROLE, expected.role(), VERSIONS, HANDSHAKE_TIMEOUT);
    }

    public static Handshake clientHandshake(Kind kind, Duration timeout) {
        return new Handshake(PREAMBLE, kind.role(), HELPER_ROLE, VERSIONS, timeout);
    }

    /** The helper on the app endpoint. */
    public static final RpcAccess<HelperAppMessage, AppMessage> HELPER_APP = RpcAccess.of(
            AppMessage::getRpc, (m, rpc) -> m.toBuilder().setRpc(rpc).build());
    /** An app. */
    public static final RpcAccess<AppMessage, HelperAppMessage> APP = RpcAccess.of(
            HelperAppMessage::getRpc, (m, rpc) -> m.toBuilder().setRpc(rpc).build());
    /** The helper on the network-extension endpoint. */
    public static final RpcAccess<HelperExtensionMessage, ExtensionMessage> HELPER_EXTENSION = RpcAccess.of(
            ExtensionMessage::getRpc, (m, rpc) -> m.toBuilder().setRpc(rpc).build());
    /** The network extension. */
    public static final RpcAccess<ExtensionMessage, HelperExtensionMessage> EXTENSION = RpcAccess.of(
            HelperExtensionMessage::getRpc,
            (m, rpc) -> m.toBuilder().setRpc(rpc).build());

    private Endpoints() {}
}
