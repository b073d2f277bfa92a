package dev.tunnelhelper.shim;

/** Entry point: the loaded shim, shared by the whole JVM. */
public final class NativeShim {
    private static volatile NativeShim instance;

    private final ShimLibrary library;
    private final NativePlatform platform;

    private NativeShim(ShimLibrary library, NativePlatform platform) {
        this.library = library;
        this.platform = platform;
    }

    /** Loads the shim on first use; a missing library is a {@link ShimLoadException} naming the platform. */
    public static NativeShim get() {
        NativeShim shim = instance;
        if (shim == null) {
            synchronized (NativeShim.class) {
                shim = instance;
                if (shim == null) {
                    NativePlatform platform = NativePlatform.current();
                    shim = new NativeShim(ShimLoader.load(platform), platform);
                    instance = shim;
                }
            }
        }
        return shim;
    }

    public NativePlatform platform() {
        return platform;
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
        int pid = err.check(library.th_spawn(spec.executable().toString(), spec.argv().toArray(String[]::new),
                spec.envp(), spec.workingDirectory().toString(), child, parent, n, spec.stdoutFd(), spec.stderrFd(), err.bytes, err.size()));
        return new ChildProcess(library, pid);
    }

    ShimLibrary library() {
        return library;
    }
}
