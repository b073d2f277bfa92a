package dev.tunnelhelper.cli;

import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;

/**
 * Where an option declared through picocli's programmatic API keeps its value: a field of ours,
 * read and written through the two functions given. (An annotated option's field is bound by
 * reflection; see {@link ProgrammaticOptions} for why some commands are declared without
 * annotations.)
 */
public final class ValueBinding<T> implements IGetter, ISetter {
    private final Supplier<T> read;
    private final Consumer<T> write;

    public ValueBinding(Supplier<T> read, Consumer<T> write) {
        this.read = read;
        this.write = write;
    }

    @Override
    // picocli's interface declares the type per call; the option's type is T.
    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
    public <V> V get() {
        return (V) read.get();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> V set(V value) {
        V previous = get();
        write.accept((T) value);
        return previous;
    }
}
