package dev.tunnelhelper.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A section-1 man page in troff ({@code man(7)} macros) rendered from a picocli command's own
 * model: name, synopsis, description, options, parameters, subcommands, exit status. Picocli's
 * ManPageGenerator writes AsciiDoc, which needs Asciidoctor (JRuby) to become something {@code man}
 * reads; the model is the same, so the page is rendered here directly.
 */
final class ManPage {
    private ManPage() {}

    /** {@code tunnel-helper status} becomes {@code tunnel-helper-status}, as git names its pages. */
    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    static String render(CommandSpec spec, String version) {
        StringBuilder out = new StringBuilder();
        String name = pageName(spec);
        out.append(".TH \"")
                .append(name.toUpperCase(java.util.Locale.ROOT))
                .append("\" \"1\" \"\" \"")
                .append(escape(version))
                .append("\" \"Tunnel Helper Manual\"\n");
        String[] description = spec.usageMessage().description();
        out.append(".SH NAME\n")
                .append(escape(name))
                .append(" \\- ")
                .append(description.length == 0 ? "" : escape(description[0]))
                .append('\n');

        out.append(".SH SYNOPSIS\n.nf\n");
        out.append(escape(new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF))
                        .synopsis(0)
                        .stripTrailing()))
                .append("\n.fi\n");

        if (description.length > 0) {
            out.append(".SH DESCRIPTION\n");
            for (String line : description) {
                out.append(escape(line)).append("\n.br\n");
            }
        }
        List<OptionSpec> options =
                spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!options.isEmpty()) {
            out.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                List<String> names = new ArrayList<>();
                for (String n : o.names()) {
                    names.add("\\fB" + escape(n) + "\\fR");
                }
                String label = o.arity().max() > 0 ? "=\\fI" + escape(o.paramLabel()) + "\\fR" : "";
                out.append(".TP\n")
                        .append(String.join(", ", names))
                        .append(label)
                        .append('\n');
                out.append(escape(String.join(" ", o.description()))).append('\n');
            }
        }
        List<PositionalParamSpec> parameters =
                spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!parameters.isEmpty()) {
            out.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : parameters) {
                out.append(".TP\n\\fI")
                        .append(escape(p.paramLabel()))
                        .append("\\fR\n")
                        .append(escape(String.join(" ", p.description())))
                        .append('\n');
            }
        }
        Map<String, CommandLine> subcommands = spec.subcommands();
        if (!subcommands.isEmpty()) {
            out.append(".SH COMMANDS\n");
            subcommands.forEach((sub, cl) -> {
                String[] d = cl.getCommandSpec().usageMessage().description();
                out.append(".TP\n\\fB")
                        .append(escape(sub))
                        .append("\\fR\n")
                        .append(d.length == 0 ? "" : escape(d[0]))
                        .append(" See \\fB")
                        .append(escape(pageName(cl.getCommandSpec())))
                        .append("\\fR(1).\n");
            });
        }
        Map<String, String> exitCodes = spec.root().usageMessage().exitCodeList();
        if (!exitCodes.isEmpty()) {
            out.append(".SH EXIT STATUS\n");
            exitCodes.forEach((code, meaning) -> out.append(".TP\n\\fB")
                    .append(escape(code.trim()))
                    .append("\\fR\n")
                    .append(escape(meaning))
                    .append('\n'));
        }
        if (spec.parent() != null) {
            out.append(".SH SEE ALSO\n\\fB")
                    .append(escape(pageName(spec.parent())))
                    .append("\\fR(1)\n");
        }
        return out.toString();
    }

    /** Backslashes, hyphens and a leading dot or quote, which troff would take as its own. */
    static String escape(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (b.length() > 0) {
                b.append('\n');
            }
            String escaped = line.replace("\\", "\\e").replace("-", "\\-");
            if (escaped.startsWith(".") || escaped.startsWith("'")) {
                escaped = "\\&" + escaped;
            }
            b.append(escaped);
        }
        return b.toString();
    }
}
