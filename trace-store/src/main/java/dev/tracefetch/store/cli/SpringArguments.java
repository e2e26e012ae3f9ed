package dev.tracefetch.store.cli;

import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The arguments a command hands to Spring: only {@code --some.property=value}, so that a typo such
 * as {@code --sever-port} is still a usage error instead of being silently ignored.
 */
final class SpringArguments {
  private static final Pattern PROPERTY =
      Pattern.compile("--[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z0-9_\\[\\]-]+)+=.*", Pattern.DOTALL);

  private SpringArguments() {}

  static boolean isProperty(String arg) {
    return PROPERTY.matcher(arg).matches();
  }

  /** Returns {@code args} as an array, or fails like picocli does for unknown arguments. */
  static String[] check(CommandSpec spec, List<String> args) {
    List<String> unknown = args.stream().filter(a -> !isProperty(a)).toList();
    if (!unknown.isEmpty()) {
      throw new CommandLine.UnmatchedArgumentException(spec.commandLine(), unknown);
    }
    return args.toArray(String[]::new);
  }
}
