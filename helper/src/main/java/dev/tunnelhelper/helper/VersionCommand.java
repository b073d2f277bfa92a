package dev.tunnelhelper.helper;

import picocli.CommandLine.Command;

@Command(name = "version", description = "Print the helper's version.")
final class VersionCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("tunnel-helper " + HelperVersion.get());
    }
}
