package dev.tracefetch.store.cli;

import dev.tracefetch.cli.ExitCodes;
import dev.tracefetch.store.auth.ApiToken;
import dev.tracefetch.store.auth.AppPattern;
import dev.tracefetch.store.auth.NewToken;
import dev.tracefetch.store.auth.Scope;
import dev.tracefetch.store.auth.TokenService;
import dev.tracefetch.store.error.StoreException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Token administration straight against the configured database, for the first token of a fresh
 * install and for scripts; the admin REST endpoint does the same over HTTP.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Manage API tokens in the configured database.",
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Revoke.class
    })
final class TokenCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** Creates a token and prints it on standard output. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Create a token and print it (the only time it is shown) on standard output.",
        "Example: token create --scope upload --app 'web-*'"
      })
  static final class Create implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Option(
        names = "--scope",
        required = true,
        split = ",",
        paramLabel = "SCOPE",
        description = "upload, read or admin; repeat or separate with commas")
    private List<String> scopes = new ArrayList<>();

    @Option(
        names = "--app",
        paramLabel = "GLOB",
        description = "limit an upload token to apps matching this glob, e.g. 'web-*'")
    private String app;

    @Option(names = "--description", paramLabel = "TEXT", description = "note for administrators")
    private String description = "";

    @Unmatched private List<String> springArgs = new ArrayList<>();

    @Override
    public Integer call() {
      Set<Scope> parsed = EnumSet.noneOf(Scope.class);
      Optional<AppPattern> pattern;
      try {
        scopes.forEach(s -> parsed.add(Scope.parse(s)));
        pattern = Optional.ofNullable(app).map(AppPattern::new);
        if (pattern.isPresent() && !parsed.contains(Scope.UPLOAD)) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "--app only applies to tokens with scope upload");
        }
      } catch (StoreException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      ConfigurableApplicationContext context =
          ToolContext.start(SpringArguments.check(spec, springArgs));
      try {
        NewToken token = context.getBean(TokenService.class).create(parsed, pattern, description);
        spec.commandLine().getOut().println(token.token());
        spec.commandLine().getOut().flush();
        spec.commandLine()
            .getErr()
            .println(
                "created token "
                    + token.details().id()
                    + " scopes="
                    + scopeList(token.details())
                    + pattern.map(p -> " app=" + p).orElse(""));
        return ExitCodes.OK;
      } finally {
        ToolContext.close(context);
      }
    }
  }

  /** Lists tokens without their secrets. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List tokens.")
  static final class ListTokens implements Callable<Integer> {
    @Spec private CommandSpec spec;
    @Unmatched private List<String> springArgs = new ArrayList<>();

    @Override
    public Integer call() {
      ConfigurableApplicationContext context =
          ToolContext.start(SpringArguments.check(spec, springArgs));
      try {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-16s  %-20s  %-16s  %-24s  %s%n", "ID", "SCOPES", "APP", "CREATED", "STATUS");
        for (ApiToken token : context.getBean(TokenService.class).list()) {
          out.printf(
              "%-16s  %-20s  %-16s  %-24s  %s%n",
              token.id(),
              scopeList(token),
              token.appPattern().map(AppPattern::glob).orElse("*"),
              token.createdAt(),
              token.revokedAt().map(at -> "revoked " + at).orElse("active"));
        }
        out.flush();
        return ExitCodes.OK;
      } finally {
        ToolContext.close(context);
      }
    }
  }

  /** Revokes a token by id. */
  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token.")
  static final class Revoke implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "token id (see 'token list')")
    private String id;

    @Unmatched private List<String> springArgs = new ArrayList<>();

    @Override
    public Integer call() {
      ConfigurableApplicationContext context =
          ToolContext.start(SpringArguments.check(spec, springArgs));
      try {
        context.getBean(TokenService.class).revoke(id);
        spec.commandLine().getErr().println("revoked token " + id);
        return ExitCodes.OK;
      } catch (StoreException e) {
        spec.commandLine().getErr().println("token revoke: " + e.getMessage());
        return ExitCodes.FAILURE;
      } finally {
        ToolContext.close(context);
      }
    }
  }

  private static String scopeList(ApiToken token) {
    return String.join(",", token.scopes().stream().map(Scope::wireName).sorted().toList());
  }
}
