package org.treatyexchange.server.admin;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code -h}/{@code --help} on every sub-command, so that {@code admin release --help} prints its usage and exits 0. */
final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    /** Adds the option to every sub-command (at every depth) that does not have it yet. */
    static void addToEverySubcommand(CommandLine cli) {
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (sub.getCommandSpec().findOption("--help") == null) {
                sub.getCommandSpec().addMixin("help", CommandLine.Model.CommandSpec.forAnnotatedObject(new HelpOption()));
            }
            addToEverySubcommand(sub);
        }
    }
}
