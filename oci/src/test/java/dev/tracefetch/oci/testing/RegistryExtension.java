package dev.tracefetch.oci.testing;

import dev.tracefetch.oci.registry.RegistryClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a real registry ({@link RegistryServer}) once per test class and removes it afterwards.
 * Register it on a static field, then use the server in tests, or take it as a {@link
 * RegistryServer} parameter:
 *
 * <pre>{@code
 * class MyIT {
 *   @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.anonymous();
 *
 *   @org.junit.jupiter.api.Test
 *   void pulls() throws Exception {
 *     try (RegistryClient client = REGISTRY.newClient()) { ... }
 *   }
 * }
 * }</pre>
 *
 * {@code @ExtendWith(RegistryExtension.class)} also works and gives an anonymous registry.
 */
public final class RegistryExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private final RegistryServer.Options options;
  private RegistryServer server;
  private String owner;

  /** An anonymous registry (what {@code @ExtendWith(RegistryExtension.class)} gives). */
  public RegistryExtension() {
    this(RegistryServer.options());
  }

  private RegistryExtension(RegistryServer.Options options) {
    this.options = options;
  }

  /** A registry without authentication. */
  public static RegistryExtension anonymous() {
    return new RegistryExtension();
  }

  /** A registry that requires HTTP basic auth with these credentials (htpasswd). */
  public static RegistryExtension withBasicAuth(String username, String password) {
    return new RegistryExtension(RegistryServer.options().basicAuth(username, password));
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (server == null) {
      server = RegistryServer.start(options);
      owner = context.getUniqueId();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null && context.getUniqueId().equals(owner)) {
      server.close();
      server = null;
    }
  }

  /** The running registry. */
  public RegistryServer server() {
    if (server == null) {
      throw new IllegalStateException("the registry runs only while the test class runs");
    }
    return server;
  }

  /** Shortcut for {@code server().hostPort()}. */
  public String hostPort() {
    return server().hostPort();
  }

  /** Shortcut for {@code server().clientBuilder()}. */
  public RegistryClient.Builder clientBuilder() {
    return server().clientBuilder();
  }

  /** Shortcut for {@code server().newClient()}; the caller closes it. */
  public RegistryClient newClient() {
    return server().newClient();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RegistryServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return server();
  }
}
