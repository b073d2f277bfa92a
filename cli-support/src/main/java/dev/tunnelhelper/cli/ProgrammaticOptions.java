package dev.tunnelhelper.cli;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Options declared through picocli's programmatic API, for a program that must start fast.
 *
 * <p>Picocli reads a command's annotations by reflection, and the first annotation a JVM reads
 * costs it the JDK's annotation parser and a proxy class generated at run time per annotation type
 * (seven for {@code app-client}; a class-data archive cannot hold them on JDK 17): about 40 ms of
 * a {@code bin/app-client ping} whose target is 250 ms in all (docs/performance.md). The option
 * groups shared with the annotated programs ({@link StateDirOption}, {@link SocketOptions},
 * {@link JsonOption}, and {@code XpcClientOptions}) therefore also declare themselves here, from
 * the same names and texts as their annotations; {@code ProgrammaticOptionsTest} checks the two
 * declarations agree.
 */
public final class ProgrammaticOptions {
    /** picocli's own texts for {@code mixinStandardHelpOptions}, which reads annotations to add them. */
    static final String HELP_DESCRIPTION = "Show this help message and exit.";

    static final String VERSION_DESCRIPTION = "Print version information and exit.";

    /** The mixin's name, by which picocli's {@code CommandSpec.mixinStandardHelpOptions()} recognises it. */
    static final String STANDARD_HELP_MIXIN = "mixinStandardHelpOptions";

    private ProgrammaticOptions() {}

    /** {@code -h, --help} and {@code -V, --version}, as {@code @Command(mixinStandardHelpOptions = true)} adds them. */
    public static void addStandardHelpOptions(CommandSpec command) {
        CommandSpec mixin = CommandSpec.create();
        mixin.addOption(OptionSpec.builder("-h", "--help")
                .type(boolean.class)
                .initialValue(false)
                .usageHelp(true)
                .descriptionKey("mixinStandardHelpOptions.help")
                .description(HELP_DESCRIPTION)
                .build());
        mixin.addOption(OptionSpec.builder("-V", "--version")
                .type(boolean.class)
                .initialValue(false)
                .versionHelp(true)
                .descriptionKey("mixinStandardHelpOptions.version")
                .description(VERSION_DESCRIPTION)
                .build());
        command.addMixin(STANDARD_HELP_MIXIN, mixin);
    }

    /**
     * A group of options as picocli makes one of an annotated {@code @Mixin} field: a spec whose
     * user object is the group (so a command can find the group among its mixins), holding its
     * options. Add it with {@code addMixin} under the field's name; a nested group adds itself to
     * it first.
     */
    public static CommandSpec mixin(Object group, List<OptionSpec> options) {
        CommandSpec mixin = CommandSpec.wrapWithoutInspection(group);
        for (OptionSpec option : options) {
            mixin.addOption(option);
        }
        return mixin;
    }

    /** An option taking a value of {@code type}, kept in a field through {@code read} and {@code write}. */
    public static <T> OptionSpec option(
            String name, String paramLabel, Class<T> type, String description, Supplier<T> read, Consumer<T> write) {
        return builder(name, type, description, read, write)
                .paramLabel(paramLabel)
                .build();
    }

    /** The same with a converter of ours. */
    public static <T> OptionSpec option(
            String name,
            String paramLabel,
            Class<T> type,
            ITypeConverter<T> converter,
            String description,
            Supplier<T> read,
            Consumer<T> write) {
        return builder(name, type, description, read, write)
                .paramLabel(paramLabel)
                .converters(converter)
                .build();
    }

    /** A flag: no value; {@code type} is {@code boolean.class} or {@code Boolean.class}. */
    public static <T> OptionSpec flag(
            String name, Class<T> type, String description, Supplier<T> read, Consumer<T> write) {
        return builder(name, type, description, read, write).build();
    }

    private static <T> OptionSpec.Builder builder(
            String name, Class<T> type, String description, Supplier<T> read, Consumer<T> write) {
        ValueBinding<T> binding = new ValueBinding<>(read, write);
        // The initial value is what the field holds now, as picocli records it for an annotated
        // field: a second parse on the same tree (CommandTree parses the top level twice) starts from it.
        return OptionSpec.builder(name)
                .type(type)
                .description(description)
                .descriptionKey("") // as an annotation without one: no key
                .getter(binding)
                .setter(binding)
                .initialValue(read.get());
    }
}
