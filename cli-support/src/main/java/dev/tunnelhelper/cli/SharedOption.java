package dev.tunnelhelper.cli;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
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
    private final String mixinName;

    /** {@code mixinName}: the name of the field that annotated commands hold the group in. */
    SharedOption(Class<S> type, String mixinName) {
        this.type = type;
        this.mixinName = mixinName;
    }

    /**
     * Declares this group on {@code command} through picocli's programmatic API, as a mixin of the
     * same name as an annotated command's field, so the top-level lookup below works the same way
     * (see {@link ProgrammaticOptions}).
     */
    public final S addTo(CommandSpec command) {
        command.addMixin(mixinName, ProgrammaticOptions.mixin(this, options()));
        mixee = command;
        return type.cast(this);
    }

    /** This group's options, bound to this instance's fields, as its annotations declare them. */
    abstract List<OptionSpec> options();

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
