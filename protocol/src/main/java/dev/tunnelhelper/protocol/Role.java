package dev.tunnelhelper.protocol;

/** The two roles of the CoderVPN protocol. The helper is the manager; the spawned binary is the tunnel. */
public enum Role {
    MANAGER("manager"),
    TUNNEL("tunnel");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public Role opposite() {
        return this == MANAGER ? TUNNEL : MANAGER;
    }
}
