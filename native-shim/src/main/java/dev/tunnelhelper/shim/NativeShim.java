package dev.tunnelhelper.shim;

import java.util.EnumSet;
import java.util.Set;

/** Entry point: the loaded shim, shared by the whole JVM. */
public final class NativeShim {
    private static volatile NativeShim instance;

    private final ShimLibrary library;
    private final NativePlatform platform;
    private final ShimVariant variant;
    private final Set<Capability> capabilities;

    private NativeShim(ShimLibrary library, NativePlatform platform, ShimVariant variant) {
        this.library = library;
        this.platform = platform;
        this.variant = variant;
        int bits = library.th_capabilities();
        EnumSet<Capability> caps = EnumSet.noneOf(Capability.class);
        for (Capability c : Capability.values()) {
            if ((bits & c.bit()) != 0) {
                caps.add(c);
            }
        }
        this.capabilities = Set.copyOf(caps);
    }

    /**
     * Whether the shim this JVM would load has the darwin APIs ({@link Capability#XPC}, code
     * signatures, power events, {@link Capability#UNIFIED_LOGGING}): it has them exactly when it
     * was built for macOS, on a Mac or as the libxpc simulator (shim_caps.c). Answered without
     * loading the shim, so a caller can skip {@link #has} where the answer is no anyway: loading
     * it (JNA, its own library and the shim) was a quarter of the helper's start on Linux.
     */
    public static boolean mayHaveDarwinApis() {
        return mayHaveDarwinApis(NativePlatform.current());
    }

    /** The same answer as {@link #mayHaveDarwinApis()} for the shim this JVM would load on {@code platform}. */
    public static boolean mayHaveDarwinApis(NativePlatform platform) {
        return platform.isMac() || ShimVariant.requested() == ShimVariant.XPC_SIMULATOR;
    }

    /** Loads the shim on first use; a missing library is a {@link ShimLoadException} naming the platform. */
    public static NativeShim get() {
        NativeShim shim = instance;
        if (shim == null) {
            synchronized (NativeShim.class) {
                shim = instance;
                if (shim == null) {
                    NativePlatform platform = NativePlatform.current();
                    ShimVariant variant = ShimVariant.requested();
                    shim = new NativeShim(ShimLoader.load(platform, variant), platform, variant);
                    instance = shim;
                }
            }
        }
        return shim;
    }

    public NativePlatform platform() {
        return platform;
    }

    /** The library this JVM loaded: the host's own, or the Linux one backed by the XPC simulator. */
    public ShimVariant variant() {
        return variant;
    }

    /** The macOS features this library provides (all on macOS and with the XPC simulator). */
    public Set<Capability> capabilities() {
        return capabilities;
    }

    public boolean has(Capability capability) {
        return capabilities.contains(capability);
    }

    /** Throws {@link UnsupportedPlatformException} naming the platform when the capability is missing. */
    public void require(Capability capability) {
        if (!has(capability)) {
            throw new UnsupportedPlatformException(
                    capability.feature(), "macOS or the XPC simulator (" + ShimVariant.PROPERTY + "=xpcsim)", platform);
        }
    }

    /** Starts a child; see {@link SpawnSpec} for what it inherits. */
    public ChildProcess spawn(SpawnSpec spec) {
        int n = spec.fdMap().size();
        int[] child = new int[n];
        int[] parent = new int[n];
        int i = 0;
        for (var entry : spec.fdMap().entrySet()) {
            child[i] = entry.getKey();
            parent[i] = entry.getValue();
            i++;
        }
        ErrorBuffer err = new ErrorBuffer();
        int pid = err.check(library.th_spawn(
                spec.executable().toString(),
                spec.argv().toArray(String[]::new),
                spec.envp(),
                spec.workingDirectory().toString(),
                child,
                parent,
                n,
                spec.stdoutFd(),
                spec.stderrFd(),
                err.bytes,
                err.size()));
        return new ChildProcess(library, pid);
    }

    ShimLibrary library() {
        return library;
    }
}
