package dev.tunnelhelper.protocol;

import dev.tunnelhelper.protocol.vpn.RPC;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * How the {@link Speaker} reads and sets the {@code rpc} field of the message types it handles.
 * Every message set of ours and of CoderVPN carries {@code RPC rpc = 1}.
 */
public interface RpcAccess<S, R> {

    RPC rpcOf(R received);

    S withRpc(S outgoing, RPC rpc);

    static <S, R> RpcAccess<S, R> of(Function<R, RPC> getter, BiFunction<S, RPC, S> setter) {
        return new RpcAccess<>() {
            @Override
            public RPC rpcOf(R received) {
                return getter.apply(received);
            }

            @Override
            public S withRpc(S outgoing, RPC rpc) {
                return setter.apply(outgoing, rpc);
            }
        };
    }
}
