package dev.tunnelhelper.launchd.cli;

import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.launchd.InvalidServiceDefinitionException;
import dev.tunnelhelper.launchd.exec.CommandException;
import dev.tunnelhelper.launchd.install.ServiceHost;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Shared error handling, in the programs' one exit-code table: 2 for input that cannot make a
 * valid service definition (like picocli's own usage errors), 1 when the filesystem or
 * launchctl/systemctl failed.
 */
abstract class ServiceCommand implements Callable<Integer> {
    static final int OK = ExitCodes.OK;
    static final int FAILED = ExitCodes.FAILURE;
    static final int INVALID_INPUT = ExitCodes.USAGE;

    @Spec
    CommandSpec spec;

    final ServiceHost host;

    ServiceCommand(ServiceHost host) {
        this.host = host;
    }

    abstract int execute() throws IOException, CommandException;

    @Override
    public final Integer call() {
        try {
            return execute();
        } catch (InvalidServiceDefinitionException e) {
            return fail(INVALID_INPUT, e.getMessage());
        } catch (CommandException e) {
            return fail(FAILED, e.getMessage());
        } catch (IOException e) {
            return fail(FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private int fail(int code, String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(spec.name() + ": error: " + message);
        err.flush();
        return code;
    }
}
