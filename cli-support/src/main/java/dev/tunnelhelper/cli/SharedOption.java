package dev.tunnelhelper.cli;

import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * An option group a program's top-level command and its subcommands both carry as a mixin, so a
 * user may give it before or after the subcommand ({@code app-client --state-dir D ping} and
 * {@code app-client ping --state-dir D}), as with git -C or tailscale --socket. The subcommand's
 * own value wins; otherwise the top-level command's is used. Picocli's inherited options would
 * add the options to every subcommand, including those they mean nothing to; this way only the
 * subcommands that declare the group accept it, and {@link Cli} refuses a top-level value that
 * the chosen subcommand would ignore.
 */
abstract class SharedOption<S extends SharedOption<S>> {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private final Class<S> type;

    SharedOption(Class<S> type) {
        this.type = type;
    }

    /** This command's value, else the top-level command's. */
    final <T> Optional<T> resolve(Function<S, T> value) {
        T own = value.apply(type.cast(this));
        if (own != null) {
            return Optional.of(own);
        }
        return topLevel().map(value);
    }

    private Optional<S> topLevel() {
        if (mixee == null || mixee.root() == mixee) {
            return Optional.empty();
        }
        // A loop, not a stream of method references: see Cli's nested classes for why no lambda
        // touches picocli's types.
        for (CommandSpec mixin : mixee.root().mixins().values()) {
            Object user = mixin.userObject();
            if (type.isInstance(user)) {
                return Optional.of(type.cast(user));
            }
        }
        return Optional.empty();
    }
}
